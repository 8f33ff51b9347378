using System.Globalization;
using System.Text;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// Read-only access to a Windows registry: the live one (<see cref="LiveRegistry"/>) or one loaded
/// from a Registry Editor export (<see cref="InMemoryRegistry"/>). Paths are hive + key, with the
/// hive long or short (<c>HKEY_LOCAL_MACHINE\SOFTWARE</c> or <c>HKLM\SOFTWARE</c>); names compare
/// case-insensitively, as in Windows.
/// </summary>
public interface IRegistrySource
{
    /// <summary>
    /// The key with its subkey names and values, or null when it does not exist. A key that exists
    /// but cannot be read throws (<see cref="UnauthorizedAccessException"/>,
    /// <see cref="System.Security.SecurityException"/> or <see cref="IOException"/>); collectors
    /// record that as a problem.
    /// </summary>
    RegistryKeyView? OpenKey(string path);
}

/// <summary>One key as read: its normalized path, the names of its subkeys and its values.</summary>
public sealed class RegistryKeyView(string path, IReadOnlyList<string> subKeyNames, IReadOnlyList<RegistryValue> values)
{
    /// <summary>The path with the short hive name (HKLM, HKCU, HKU, HKCR, HKCC).</summary>
    public string Path { get; } = path;

    public IReadOnlyList<string> SubKeyNames { get; } = subKeyNames;

    public IReadOnlyList<RegistryValue> Values { get; } = values;

    /// <summary>The value of that name (case-insensitive; "" is the default value), or null.</summary>
    public RegistryValue? GetValue(string name)
    {
        foreach (var value in Values)
        {
            if (string.Equals(value.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>The Win32 registry value types (REG_*), with their numbers.</summary>
public enum RegistryValueType
{
    /// <summary>A type the source did not name (the live API reports some types only as "unknown").</summary>
    Unknown = -1,
    None = 0,
    String = 1,
    ExpandString = 2,
    Binary = 3,
    DWord = 4,
    DWordBigEndian = 5,
    Link = 6,
    MultiString = 7,
    ResourceList = 8,
    FullResourceDescriptor = 9,
    ResourceRequirementsList = 10,
    QWord = 11,
}

/// <summary>
/// One registry value. <see cref="Data"/> is a <see cref="string"/> for String and ExpandString
/// (environment variables not expanded), a <see cref="string"/>[] for MultiString, a
/// <see cref="uint"/> for DWord and DWordBigEndian, a <see cref="ulong"/> for QWord and a
/// <see cref="byte"/>[] for every other type.
/// </summary>
public sealed class RegistryValue
{
    private RegistryValue(string name, RegistryValueType type, object data)
    {
        Name = name;
        Type = type;
        Data = data;
    }

    /// <summary>The value name; "" is the key's default value (written <c>@</c> in .reg files).</summary>
    public string Name { get; }

    public RegistryValueType Type { get; }

    public object Data { get; }

    public static RegistryValue FromString(string name, string text, bool expand = false) =>
        new(name, expand ? RegistryValueType.ExpandString : RegistryValueType.String, text);

    public static RegistryValue FromMultiString(string name, IEnumerable<string> lines) =>
        new(name, RegistryValueType.MultiString, lines.ToArray());

    public static RegistryValue FromDWord(string name, uint number, bool bigEndian = false) =>
        new(name, bigEndian ? RegistryValueType.DWordBigEndian : RegistryValueType.DWord, number);

    public static RegistryValue FromQWord(string name, ulong number) => new(name, RegistryValueType.QWord, number);

    /// <summary>Raw bytes of a type that has no decoded form here (binary, none, resource lists, links, unknown).</summary>
    public static RegistryValue FromBytes(string name, RegistryValueType type, byte[] bytes) => new(name, type, bytes);

    /// <summary>The REG_* name of the type, like "REG_SZ"; REG_UNKNOWN when the source did not say.</summary>
    public string TypeName => Type switch
    {
        RegistryValueType.None => "REG_NONE",
        RegistryValueType.String => "REG_SZ",
        RegistryValueType.ExpandString => "REG_EXPAND_SZ",
        RegistryValueType.Binary => "REG_BINARY",
        RegistryValueType.DWord => "REG_DWORD",
        RegistryValueType.DWordBigEndian => "REG_DWORD_BIG_ENDIAN",
        RegistryValueType.Link => "REG_LINK",
        RegistryValueType.MultiString => "REG_MULTI_SZ",
        RegistryValueType.ResourceList => "REG_RESOURCE_LIST",
        RegistryValueType.FullResourceDescriptor => "REG_FULL_RESOURCE_DESCRIPTOR",
        RegistryValueType.ResourceRequirementsList => "REG_RESOURCE_REQUIREMENTS_LIST",
        RegistryValueType.QWord => "REG_QWORD",
        _ => "REG_UNKNOWN",
    };

    /// <summary>The number of a DWord or QWord value, else null.</summary>
    public ulong? Number => Data switch
    {
        uint dword => dword,
        ulong qword => qword,
        _ => null,
    };

    /// <summary>
    /// The data as one line of text: strings as they are, multi-strings joined by "\n", numbers in
    /// decimal, bytes as lowercase hex.
    /// </summary>
    public string ToText() => Data switch
    {
        string text => text,
        string[] lines => string.Join('\n', lines),
        uint dword => dword.ToString(CultureInfo.InvariantCulture),
        ulong qword => qword.ToString(CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexStringLower(bytes),
        _ => string.Empty,
    };
}

/// <summary>Registry path handling: hive names and joining.</summary>
public static class RegistryPath
{
    private static readonly Dictionary<string, string> s_hives = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HKEY_LOCAL_MACHINE"] = "HKLM",
        ["HKLM"] = "HKLM",
        ["HKEY_CURRENT_USER"] = "HKCU",
        ["HKCU"] = "HKCU",
        ["HKEY_USERS"] = "HKU",
        ["HKU"] = "HKU",
        ["HKEY_CLASSES_ROOT"] = "HKCR",
        ["HKCR"] = "HKCR",
        ["HKEY_CURRENT_CONFIG"] = "HKCC",
        ["HKCC"] = "HKCC",
    };

    /// <summary>
    /// The hive's short name and the rest of the path (without leading or trailing backslashes),
    /// or null when the path does not start with a known hive.
    /// </summary>
    public static (string Hive, string SubPath)? Split(string path)
    {
        var trimmed = path.Trim().Trim('\\');
        var separator = trimmed.IndexOf('\\', StringComparison.Ordinal);
        var hiveName = separator < 0 ? trimmed : trimmed[..separator];
        if (!s_hives.TryGetValue(hiveName, out var hive))
        {
            return null;
        }

        var rest = separator < 0 ? string.Empty : trimmed[(separator + 1)..].Trim('\\');
        return (hive, rest);
    }

    /// <summary>The path with its hive shortened (HKEY_LOCAL_MACHINE\X → HKLM\X), or null for an unknown hive.</summary>
    public static string? Normalize(string path) =>
        Split(path) is { } split ? Join(split.Hive, split.SubPath) : null;

    public static string Join(string parent, string child) =>
        child.Length == 0 ? parent : parent.Length == 0 ? child : parent + "\\" + child;

    /// <summary>The key of a snapshot entry for a value: the key path, a backslash and the value name ("(Default)" for the default value).</summary>
    public static string ValueKey(string keyPath, string valueName) =>
        keyPath + "\\" + (valueName.Length == 0 ? "(Default)" : valueName);

    internal static string DecodeUtf16(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Unicode.GetString(bytes[..(bytes.Length & ~1)]);
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    internal static string[] DecodeMultiUtf16(ReadOnlySpan<byte> bytes) =>
        SplitMulti(Encoding.Unicode.GetString(bytes[..(bytes.Length & ~1)]));

    internal static string[] SplitMulti(string text)
    {
        // REG_MULTI_SZ is "a\0b\0\0". The terminators are dropped; an empty string inside the
        // list is kept, as RegistryKey.GetValue keeps it, so both sources agree.
        var parts = text.Split('\0');
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--;
        }

        return parts[..count];
    }
}
