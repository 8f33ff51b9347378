namespace Tenantra.Core.Jobs;

public enum JobStatus
{
    /// <summary>Waiting for <see cref="Job.RunAfter"/> and a free worker.</summary>
    Pending,

    /// <summary>Held by <see cref="Job.LeaseOwner"/> until <see cref="Job.LeaseExpiresAt"/>; an expired lease is claimed again.</summary>
    Running,

    Succeeded,

    /// <summary>Failed <see cref="Job.MaxAttempts"/> times: kept with its last error for a person to look at (dead letter).</summary>
    Dead,
}

/// <summary>
/// One unit of background work in the durable queue that every feature shares (deliveries,
/// exports, evaluations, feed updates, purges, scans). It is staged in the same database
/// transaction as the change that causes it, so work is never lost and never runs for a change
/// that rolled back. The queue itself is platform infrastructure; the handler runs inside
/// <see cref="TenantId"/>'s scope when it is set. The payload names what to work on and holds no secrets.
/// </summary>
public sealed class Job
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Which handler runs it, e.g. "notification.deliver".</summary>
    public required string Kind { get; init; }

    public Guid? TenantId { get; init; }

    /// <summary>JSON the handler reads (ids, options): never secrets.</summary>
    public string Payload { get; init; } = "{}";

    /// <summary>Higher first among due jobs.</summary>
    public int Priority { get; init; }

    public JobStatus Status { get; set; }

    /// <summary>Claims so far, the running one included.</summary>
    public int Attempts { get; set; }

    public int MaxAttempts { get; init; } = JobRetry.DefaultMaxAttempts;

    public DateTimeOffset RunAfter { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Work done so far and in all (e.g. rows written of rows to write), for progress bars; total 0 when unknown.</summary>
    public long ProgressDone { get; set; }

    public long ProgressTotal { get; set; }

    /// <summary>JSON the handler left for whoever enqueued it (e.g. the file an export wrote).</summary>
    public string? Result { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}
