namespace Tenantra.Core.Security;

/// <summary>
/// RFC 4648 base32 (the alphabet authenticator apps use for TOTP secrets). Encoding writes
/// upper case without padding; decoding accepts lower case, whitespace and trailing padding.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new char[((data.Length * 8) + 4) / 5];
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[written++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            output[written++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(output, 0, written);
    }

    /// <exception cref="FormatException">The text holds a character outside the alphabet, padding
    /// before the end, or a length no encoding produces.</exception>
    public static byte[] Decode(string text)
    {
        var symbols = new List<int>(text.Length);
        var padded = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            if (c == '=')
            {
                padded = true;
                continue;
            }

            if (padded)
            {
                throw new FormatException("Base32 padding may only appear at the end.");
            }

            symbols.Add(ValueOf(c));
        }

        // 1, 3 or 6 trailing symbols cannot come from whole bytes.
        if ((symbols.Count % 8) is 1 or 3 or 6)
        {
            throw new FormatException("Base32 text has an impossible length.");
        }

        var output = new byte[symbols.Count * 5 / 8];
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var symbol in symbols)
        {
            buffer = (buffer << 5) | symbol;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[written++] = (byte)(buffer >> bits);
            }
        }

        return output;
    }

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => throw new FormatException($"'{c}' is not a base32 character."),
    };
}
