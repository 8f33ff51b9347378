namespace Tenantra.Core.Platform;

/// <summary>The last sign of life of one background worker on one node.</summary>
public sealed class WorkerHeartbeat
{
    public required string NodeId { get; init; }
    public required string Worker { get; init; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastBeatAt { get; set; }
    public string? LastError { get; set; }
}
