namespace Tenantra.Server.Platform.Workers;

/// <summary>This node's identity and its workers' last beats, for readiness and status.</summary>
public sealed class WorkerRegistry(TimeProvider clock)
{
    /// <summary>A worker that has not beaten for this long is reported dead.</summary>
    public static readonly TimeSpan AliveWindow = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, DateTimeOffset> _beats = [];
    private readonly Lock _lock = new();

    public string NodeId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public void Beat(string worker)
    {
        lock (_lock)
        {
            _beats[worker] = clock.GetUtcNow();
        }
    }

    public IReadOnlyList<string> DeadWorkers(IEnumerable<string> expected)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            return [.. expected.Where(w => !_beats.TryGetValue(w, out var beat) || now - beat > AliveWindow)];
        }
    }
}
