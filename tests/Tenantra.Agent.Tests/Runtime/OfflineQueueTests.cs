using Tenantra.Agent.Contracts;
using Tenantra.Agent.Runtime;

namespace Tenantra.Agent.Tests.Runtime;

public sealed class OfflineQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tenantra-queue-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Snapshot SnapshotAt(DateTimeOffset collectedAt, int entries = 10) =>
        new(SnapshotSchema.Version, Guid.CreateVersion7(), SnapshotCategories.Processes, collectedAt,
            [.. Enumerable.Range(0, entries).Select(i => new SnapshotEntry("process", $"{i}", new Dictionary<string, string?> { ["executable"] = $"/usr/bin/tool-{i}-{Guid.NewGuid()}" }))]);

    [Fact]
    public void Snapshots_wait_in_the_order_they_were_taken_and_survive_a_new_queue_object()
    {
        var start = DateTimeOffset.UtcNow;
        var later = SnapshotAt(start.AddMinutes(5));
        var earlier = SnapshotAt(start);
        var queue = new OfflineQueue(_directory, 10_000_000);
        queue.Enqueue(later);
        queue.Enqueue(earlier);

        var reopened = new OfflineQueue(_directory, 10_000_000);

        Assert.Equal([earlier.SnapshotId, later.SnapshotId], reopened.Pending().Select(i => i.SnapshotId));
        Assert.Equal(0, reopened.Dropped);
    }

    [Fact]
    public void Past_the_bound_the_oldest_are_dropped_and_counted_and_the_newest_stays()
    {
        var start = DateTimeOffset.UtcNow;
        var probe = new OfflineQueue(Path.Combine(_directory, "probe"), long.MaxValue);
        probe.Enqueue(SnapshotAt(start, 200));
        var oneSnapshot = probe.PendingBytes;
        var queue = new OfflineQueue(Path.Combine(_directory, "bounded"), (3 * oneSnapshot) + (oneSnapshot / 2));
        var taken = Enumerable.Range(0, 6).Select(i => SnapshotAt(start.AddMinutes(i), 200)).ToList();

        foreach (var snapshot in taken)
        {
            queue.Enqueue(snapshot);
        }

        Assert.Equal(taken.TakeLast(3).Select(s => s.SnapshotId), queue.Pending().Select(i => i.SnapshotId));
        Assert.Equal(3, queue.Dropped);
        Assert.Equal(3, new OfflineQueue(Path.Combine(_directory, "bounded"), long.MaxValue).Dropped);
    }

    [Fact]
    public void A_refused_snapshot_is_kept_aside_with_its_reason()
    {
        var queue = new OfflineQueue(_directory, 10_000_000);
        queue.Enqueue(SnapshotAt(DateTimeOffset.UtcNow));
        var item = Assert.Single(queue.Pending());

        queue.Reject(item, "400 at noon");

        Assert.Empty(queue.Pending());
        Assert.Equal(1, queue.RejectedCount);
        var reason = Directory.EnumerateFiles(Path.Combine(_directory, "rejected"), "*.reason.txt").Single();
        Assert.Equal("400 at noon", File.ReadAllText(reason));
    }
}
