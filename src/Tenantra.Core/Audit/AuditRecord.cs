namespace Tenantra.Core.Audit;

public enum AuditOutcome
{
    Success = 0,
    Failure = 1,
    Denied = 2,
}

/// <summary>
/// One link of a tenant's append-only audit chain. <see cref="Hash"/> covers every other
/// field and <see cref="PreviousHash"/>, so a changed, removed, inserted or reordered record
/// breaks the chain (see <see cref="AuditChain"/>).
/// </summary>
public sealed class AuditRecord : ITenantScoped
{
    public Guid TenantId { get; init; }
    public long Sequence { get; set; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public DateTimeOffset OccurredAt { get; init; }
    public Guid? ActorUserId { get; init; }
    public Guid? ActorTokenId { get; init; }
    public string? ActorName { get; init; }

    /// <summary>The MSP whose staff acted in this tenant, when the actor's access came from an MSP membership.</summary>
    public Guid? OnBehalfOfTenantId { get; init; }
    public required string Action { get; init; }
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }

    /// <summary>JSON of the target before the change, with secrets masked.</summary>
    public string? Before { get; init; }

    /// <summary>JSON of the target after the change, with secrets masked.</summary>
    public string? After { get; init; }
    public string? SourceIp { get; init; }
    public string? UserAgent { get; init; }
    public string? RequestId { get; init; }
    public AuditOutcome Outcome { get; init; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}
