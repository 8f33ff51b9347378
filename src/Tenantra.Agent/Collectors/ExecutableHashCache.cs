using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// SHA-256 of executables, remembered by file identity so an unchanged file is read once across
/// collections: on Linux its device, inode, size and modification time (links followed, so every
/// <c>/proc/&lt;pid&gt;/exe</c> of one binary shares an entry); elsewhere its path, size and last
/// write time. Safe to share between collectors; bounded (everything is forgotten once
/// <see cref="MaxRemembered"/> files are known); a file that cannot be read gives null and is not remembered.
/// </summary>
public sealed class ExecutableHashCache
{
    private const int MaxRemembered = 20_000;

    private readonly Dictionary<FileIdentity, string> _hashes = [];
    private readonly Lock _lock = new();

    private readonly record struct FileIdentity(string? Path, ulong Device, ulong Inode, long Size, long Modified);

    /// <summary>How many files were actually read (for tests and diagnostics).</summary>
    public int FilesHashed { get; private set; }

    /// <summary>The lowercase hex SHA-256 of the file, or null with <paramref name="problem"/> set when it cannot be read.</summary>
    public string? Hash(string path, out string? problem)
    {
        problem = null;
        try
        {
            if (IdentityOf(path) is not { } identity)
            {
                problem = "not found";
                return null;
            }

            lock (_lock)
            {
                if (_hashes.TryGetValue(identity, out var known))
                {
                    return known;
                }
            }

            var sha256 = FileDigest.Sha256(path);
            lock (_lock)
            {
                FilesHashed++;
                if (_hashes.Count >= MaxRemembered)
                {
                    _hashes.Clear();
                }

                _hashes[identity] = sha256;
            }

            return sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    private static FileIdentity? IdentityOf(string path)
    {
        if (OperatingSystem.IsLinux() && UnixFileStatus.Read(path) is { } status)
        {
            return new FileIdentity(null, status.Device, status.Inode, status.Size, (status.ModifiedSeconds * 1_000_000_000) + status.ModifiedNanoseconds);
        }

        var info = new FileInfo(path);
        return info.Exists
            ? new FileIdentity(OperatingSystem.IsWindows() ? path.ToUpperInvariant() : path, 0, 0, info.Length, info.LastWriteTimeUtc.Ticks)
            : null;
    }
}
