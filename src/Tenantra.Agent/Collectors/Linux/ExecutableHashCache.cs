namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// SHA-256 of executables, remembered by (device, inode, modification time) so a collection only
/// hashes binaries that are new or changed since the previous one. Entries not used by a
/// collection are dropped at <see cref="EndCollection"/>, so the cache holds at most what the
/// machine runs. Not thread-safe: one collection at a time.
/// </summary>
internal sealed class ExecutableHashCache
{
    private Dictionary<FileIdentity, string> _previous = [];
    private Dictionary<FileIdentity, string> _current = [];

    private readonly record struct FileIdentity(ulong Device, ulong Inode, long ModifiedSeconds, uint ModifiedNanoseconds);

    /// <summary>The hash of the file at <paramref name="path"/> (links followed).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public string Sha256(string path)
    {
        if (UnixFileStatus.Read(path) is not { } status)
        {
            return FileDigest.Sha256(path);
        }

        var identity = new FileIdentity(status.Device, status.Inode, status.ModifiedSeconds, status.ModifiedNanoseconds);
        if (_current.TryGetValue(identity, out var hash))
        {
            return hash;
        }

        if (!_previous.TryGetValue(identity, out hash))
        {
            hash = FileDigest.Sha256(path);
        }

        _current[identity] = hash;
        return hash;
    }

    /// <summary>Forgets the files the finished collection did not ask about.</summary>
    public void EndCollection()
    {
        _previous = _current;
        _current = [];
    }
}
