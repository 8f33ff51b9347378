using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// Snapshots waiting for the server, one file each (gzip of the wire JSON, written atomically), so
/// they survive agent restarts and server outages and are sent in the order they were taken. The
/// queue is bounded in bytes: past the bound the oldest snapshots are dropped and counted (the count
/// goes to the server with each heartbeat). A snapshot the server refuses as invalid is moved aside to
/// <c>rejected/</c> with the reason, never silently deleted.
/// </summary>
public sealed class OfflineQueue
{
    private const string Extension = ".snap";
    private readonly string _directory;
    private readonly string _rejected;
    private readonly string _droppedFile;
    private readonly long _limitBytes;
    private readonly Lock _lock = new();

    public OfflineQueue(string directory, long limitBytes)
    {
        _directory = directory;
        _rejected = Path.Combine(directory, "rejected");
        _droppedFile = Path.Combine(directory, "dropped.count");
        _limitBytes = limitBytes;
        Directory.CreateDirectory(_rejected);
    }

    public sealed record Item(string Path, Guid SnapshotId, long Bytes);

    /// <summary>Snapshots dropped because the queue was full, since the agent was installed.</summary>
    public long Dropped => File.Exists(_droppedFile) ? long.Parse(File.ReadAllText(_droppedFile), CultureInfo.InvariantCulture) : 0;

    public void Enqueue(Snapshot snapshot)
    {
        var name = $"{snapshot.CollectedAt.UtcTicks:D19}-{snapshot.SnapshotId:N}{Extension}";
        AtomicFile.Write(Path.Combine(_directory, name), Compress(JsonSerializer.SerializeToUtf8Bytes(snapshot, AgentJsonContext.Default.Snapshot)));
        lock (_lock)
        {
            EnforceBound();
        }
    }

    /// <summary>Waiting snapshots, oldest first.</summary>
    public IReadOnlyList<Item> Pending() =>
        [.. new DirectoryInfo(_directory).EnumerateFiles("*" + Extension)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new Item(f.FullName, Guid.ParseExact(f.Name[20..^Extension.Length], "N"), f.Length))];

    public long PendingBytes => Pending().Sum(i => i.Bytes);

    public static byte[] Read(Item item) => File.ReadAllBytes(item.Path);

    public static void Remove(Item item) => File.Delete(item.Path);

    public void Reject(Item item, string reason)
    {
        var target = Path.Combine(_rejected, Path.GetFileName(item.Path));
        File.Move(item.Path, target, overwrite: true);
        File.WriteAllText(target + ".reason.txt", reason);
    }

    public int RejectedCount => Directory.EnumerateFiles(_rejected, "*" + Extension).Count();

    private void EnforceBound()
    {
        var pending = Pending();
        var total = pending.Sum(i => i.Bytes);
        var dropped = 0;
        // The newest snapshot always stays, even alone over the bound: it is the current state.
        foreach (var oldest in pending.Take(pending.Count - 1))
        {
            if (total <= _limitBytes)
            {
                break;
            }

            File.Delete(oldest.Path);
            total -= oldest.Bytes;
            dropped++;
        }

        if (dropped > 0)
        {
            AtomicFile.Write(_droppedFile, System.Text.Encoding.ASCII.GetBytes((Dropped + dropped).ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }
}
