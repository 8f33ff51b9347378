using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Server.Identity;

/// <summary>High-entropy secrets handed out once (API tokens, invitation links, recovery codes) and the hashes stored for them.</summary>
internal static class SecretTokens
{
    public static string New(string prefix, int bytes = 32) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 hex: enough for random secrets of 128 bits or more, which cannot be guessed offline.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A recovery code like <c>k7dq-2mfx-p9ta</c>: 60 bits from an unambiguous alphabet.</summary>
    public static string RecoveryCode()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = new char[14];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = i is 4 or 9 ? '-' : alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }
}
