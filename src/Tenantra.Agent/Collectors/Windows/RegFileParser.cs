using System.Globalization;
using System.Text;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>A parsed Registry Editor export and the lines it could not use.</summary>
public sealed record RegFileParseResult(InMemoryRegistry Registry, IReadOnlyList<string> Problems);

/// <summary>
/// Reads the Registry Editor export format (.reg): "Windows Registry Editor Version 5.00" as
/// regedit writes it (UTF-16LE with a byte order mark, CRLF) or saved as UTF-8, and the older
/// "REGEDIT4" (ANSI). Keys are <c>[HIVE\path]</c>; values are <c>"name"=…</c> or <c>@=…</c> for
/// the default value, with data <c>"string"</c>, <c>dword:</c>, <c>hex:</c> (REG_BINARY) or
/// <c>hex(N):</c> (type N: 2 expandable string, 7 multi-string, b QWORD…), hex data continued on
/// the next line after a trailing backslash. Deleted keys (<c>[-…]</c>) and deleted values
/// (<c>"name"=-</c>) are skipped. A line that cannot be read is skipped and reported; only a
/// missing header makes the whole file unreadable.
/// </summary>
public static class RegFileParser
{
    public const string Version5Header = "Windows Registry Editor Version 5.00";
    public const string Version4Header = "REGEDIT4";

    public static RegFileParseResult ParseFile(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses the bytes of a .reg file, choosing the encoding from its byte order mark (UTF-8 without one).</summary>
    public static RegFileParseResult Parse(ReadOnlySpan<byte> bytes) => Parse(Decode(bytes));

    /// <exception cref="FormatException">The text does not start with a Registry Editor header.</exception>
    public static RegFileParseResult Parse(string text)
    {
        var lines = text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        var first = 0;
        while (first < lines.Length && lines[first].Trim().TrimStart('\uFEFF').Length == 0)
        {
            first++;
        }

        var header = first < lines.Length ? lines[first].Trim().TrimStart('\uFEFF') : string.Empty;
        var ansi = header.Equals(Version4Header, StringComparison.Ordinal);
        if (!ansi && !header.Equals(Version5Header, StringComparison.Ordinal))
        {
            throw new FormatException($"Not a Registry Editor export: the first line is not '{Version5Header}' or '{Version4Header}'.");
        }

        var registry = new InMemoryRegistry();
        var problems = new List<string>();
        string? currentKey = null;
        var skipping = false; // inside a deleted key or a key that could not be used: its values are ignored
        for (var i = first + 1; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                currentKey = null;
                skipping = true;
                var close = line.LastIndexOf(']');
                if (close < 0)
                {
                    problems.Add($"line {lineNumber}: a key line without a closing bracket");
                    continue;
                }

                var keyPath = line[1..close];
                if (keyPath.StartsWith('-'))
                {
                    continue;
                }

                if (RegistryPath.Normalize(keyPath) is not { } normalized)
                {
                    problems.Add($"line {lineNumber}: unknown hive in key [{keyPath}]");
                    continue;
                }

                registry.CreateKey(normalized);
                currentKey = normalized;
                skipping = false;
                continue;
            }

            if (!TryReadName(line, out var name, out var rest))
            {
                problems.Add($"line {lineNumber}: not a value line");
                continue;
            }

            if (rest.StartsWith("hex", StringComparison.OrdinalIgnoreCase))
            {
                while (rest.EndsWith('\\') && i + 1 < lines.Length)
                {
                    i++;
                    rest = rest[..^1].TrimEnd() + lines[i].Trim();
                }
            }

            if (currentKey is null)
            {
                if (!skipping)
                {
                    problems.Add($"line {lineNumber}: a value before any key");
                }

                continue;
            }

            if (rest == "-")
            {
                continue;
            }

            if (ReadData(name, rest, ansi) is { } value)
            {
                registry.SetValue(currentKey, value);
            }
            else
            {
                problems.Add($"line {lineNumber}: unreadable data for value '{name}' in [{currentKey}]");
            }
        }

        return new RegFileParseResult(registry, problems);
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.Length >= 2 && bytes[0] != 0 && bytes[1] == 0)
        {
            return Encoding.Unicode.GetString(bytes); // UTF-16LE saved without a byte order mark
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes); // REGEDIT4 files are ANSI; the code page is not known here
        }
    }

    /// <summary>Reads <c>"name"=</c> or <c>@=</c>; <paramref name="rest"/> is what follows the equals sign.</summary>
    private static bool TryReadName(string line, out string name, out string rest)
    {
        name = string.Empty;
        rest = string.Empty;
        var end = 1;
        if (line[0] != '@' && (line[0] != '"' || !TryReadQuoted(line, 0, out name, out end)))
        {
            return false;
        }

        var afterName = line.AsSpan(end).TrimStart();
        if (afterName.Length == 0 || afterName[0] != '=')
        {
            return false;
        }

        rest = afterName[1..].Trim().ToString();
        return true;
    }

    /// <summary>
    /// Reads a quoted string starting at <paramref name="start"/> (the opening quote) with the
    /// escapes regedit writes, <c>\\</c> and <c>\"</c>; any other backslash stays as it is.
    /// <paramref name="end"/> is the index after the closing quote.
    /// </summary>
    private static bool TryReadQuoted(string text, int start, out string value, out int end)
    {
        var builder = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == '\\' || text[i + 1] == '"'))
            {
                builder.Append(text[i + 1]);
                i++;
            }
            else if (c == '"')
            {
                value = builder.ToString();
                end = i + 1;
                return true;
            }
            else
            {
                builder.Append(c);
            }
        }

        value = string.Empty;
        end = text.Length;
        return false;
    }

    private static RegistryValue? ReadData(string name, string data, bool ansi)
    {
        if (data.StartsWith('"'))
        {
            return TryReadQuoted(data, 0, out var text, out var end) && data.AsSpan(end).Trim().Length == 0
                ? RegistryValue.FromString(name, text)
                : null;
        }

        if (data.StartsWith("dword:", StringComparison.OrdinalIgnoreCase))
        {
            var digits = data["dword:".Length..].Trim();
            return digits.Length is > 0 and <= 8 && uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var dword)
                ? RegistryValue.FromDWord(name, dword)
                : null;
        }

        if (!data.StartsWith("hex", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var colon = data.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var typeText = data[3..colon].Trim();
        var type = RegistryValueType.Binary;
        if (typeText.Length > 0)
        {
            if (!typeText.StartsWith('(') || !typeText.EndsWith(')')
                || !int.TryParse(typeText[1..^1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var typeNumber))
            {
                return null;
            }

            type = typeNumber is >= 0 and <= 11 ? (RegistryValueType)typeNumber : RegistryValueType.Unknown;
        }

        if (ReadHexBytes(data[(colon + 1)..]) is not { } bytes)
        {
            return null;
        }

        return type switch
        {
            RegistryValueType.String => RegistryValue.FromString(name, DecodeString(bytes, ansi)),
            RegistryValueType.ExpandString => RegistryValue.FromString(name, DecodeString(bytes, ansi), expand: true),
            RegistryValueType.MultiString => RegistryValue.FromMultiString(name, ansi
                ? RegistryPath.SplitMulti(Encoding.Latin1.GetString(bytes))
                : RegistryPath.DecodeMultiUtf16(bytes)),
            RegistryValueType.DWord when bytes.Length == 4 => RegistryValue.FromDWord(name, BitConverter.ToUInt32(LittleEndian(bytes))),
            RegistryValueType.DWordBigEndian when bytes.Length == 4 => RegistryValue.FromDWord(name, (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]), bigEndian: true),
            RegistryValueType.QWord when bytes.Length == 8 => RegistryValue.FromQWord(name, BitConverter.ToUInt64(LittleEndian(bytes))),
            RegistryValueType.DWord or RegistryValueType.DWordBigEndian or RegistryValueType.QWord => null,
            _ => RegistryValue.FromBytes(name, type, bytes),
        };
    }

    private static string DecodeString(byte[] bytes, bool ansi)
    {
        if (!ansi)
        {
            return RegistryPath.DecodeUtf16(bytes);
        }

        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static byte[] LittleEndian(byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }

    private static byte[]? ReadHexBytes(string text)
    {
        var bytes = new List<byte>();
        foreach (var part in text.Split(','))
        {
            var digits = part.Trim();
            if (digits.Length == 0)
            {
                continue; // "hex:" with no data, or a trailing comma
            }

            if (digits.Length > 2 || !byte.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return null;
            }

            bytes.Add(b);
        }

        return [.. bytes];
    }
}
