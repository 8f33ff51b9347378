using System.Security.Cryptography;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// SHA-256 of files, remembered by path, size and last write time so an unchanged file is read
/// once across collections. Safe to share between collectors; a file that cannot be read gives
/// null and is not remembered.
/// </summary>
public sealed class ExecutableHashCache
{
    private const int MaxRemembered = 20_000;

    private readonly Dictionary<string, (long Size, DateTime LastWriteUtc, string Sha256)> _hashes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>How many files were actually read (for tests and diagnostics).</summary>
    public int FilesHashed { get; private set; }

    /// <summary>The lowercase hex SHA-256 of the file, or null with <paramref name="problem"/> set when it cannot be read.</summary>
    public string? Hash(string path, out string? problem)
    {
        problem = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                problem = "not found";
                return null;
            }

            var size = info.Length;
            var lastWrite = info.LastWriteTimeUtc;
            lock (_lock)
            {
                if (_hashes.TryGetValue(path, out var known) && known.Size == size && known.LastWriteUtc == lastWrite)
                {
                    return known.Sha256;
                }
            }

            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan,
            });
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            lock (_lock)
            {
                FilesHashed++;
                if (_hashes.Count >= MaxRemembered)
                {
                    _hashes.Clear();
                }

                _hashes[path] = (size, lastWrite, sha256);
            }

            return sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }
}
