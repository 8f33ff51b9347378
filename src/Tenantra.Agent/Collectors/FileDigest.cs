using System.Security.Cryptography;

namespace Tenantra.Agent.Collectors;

/// <summary>SHA-256 of a file's content as lowercase hex, the digest every collector reports.</summary>
internal static class FileDigest
{
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
