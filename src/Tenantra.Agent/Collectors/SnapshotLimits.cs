using System.Security.Cryptography;
using System.Text;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors;

/// <summary>Keeps keys and field values within the schema's limits, and keys distinct within one snapshot.</summary>
internal static class SnapshotLimits
{
    private const int DigestChars = 16;
    private const string TruncatedMarker = " …[truncated]";

    /// <summary>
    /// The key itself when it fits <see cref="SnapshotSchema.MaxKeyLength"/>; otherwise its start
    /// followed by " #" and the first 16 hex digits of the SHA-256 of the whole key, so two long keys
    /// sharing a start still differ and the same key always shortens the same way.
    /// </summary>
    public static string FitKey(string key)
    {
        if (key.Length <= SnapshotSchema.MaxKeyLength)
        {
            return key;
        }

        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..DigestChars];
        return string.Concat(Prefix(key, SnapshotSchema.MaxKeyLength - DigestChars - 2), " #", digest);
    }

    /// <summary>
    /// A value of unbounded length (a command line can reach megabytes) cut to fit
    /// <see cref="SnapshotSchema.MaxFieldValueLength"/>, ending with " …[truncated]" when cut.
    /// </summary>
    public static string FitValue(string value) =>
        value.Length <= SnapshotSchema.MaxFieldValueLength
            ? value
            : string.Concat(Prefix(value, SnapshotSchema.MaxFieldValueLength - TruncatedMarker.Length), TruncatedMarker);

    /// <summary>
    /// A key not yet in <paramref name="used"/> (which it is added to): the key itself, or for
    /// the second and later identical items " #2", " #3"… in the order they appear.
    /// </summary>
    public static string DistinctKey(string key, HashSet<string> used)
    {
        var candidate = key;
        for (var occurrence = 2; !used.Add(candidate); occurrence++)
        {
            candidate = $"{key} #{occurrence}";
        }

        return candidate;
    }

    /// <summary>At most <paramref name="length"/> characters, never ending inside a surrogate pair.</summary>
    private static ReadOnlySpan<char> Prefix(string text, int length) =>
        char.IsHighSurrogate(text[length - 1]) ? text.AsSpan(0, length - 1) : text.AsSpan(0, length);
}
