using Tenantra.Core.Notifications;

namespace Tenantra.Core.Audit;

/// <summary>
/// A detection that fired on the audit trail: what, how severe, who and from where, and the records
/// that made it fire (<see cref="FirstSequence"/> to <see cref="LastSequence"/>; <see cref="RecordsQuery"/>
/// is the audit list's filter that shows them).
/// </summary>
public sealed class AuditAlert : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public AuditDetection Detection { get; init; }
    public NotificationSeverity Severity { get; init; }
    public required string Title { get; init; }
    public required string Detail { get; init; }
    public Guid? ActorUserId { get; init; }
    public string? ActorName { get; init; }
    public string? SourceIp { get; init; }
    public long FirstSequence { get; init; }
    public long LastSequence { get; init; }
    public int Records { get; init; }
    public required string RecordsQuery { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset RaisedAt { get; init; }

    /// <summary>Once per fingerprint: the same token off-hours on the same day, for instance, raises one alert.</summary>
    public required string Fingerprint { get; init; }
}

/// <summary>How far the detections have read a tenant's chain, and its detection settings (JSON; none: the defaults).</summary>
public sealed class AuditDetectionState : ITenantScoped
{
    public Guid TenantId { get; init; }
    public long ExaminedThrough { get; set; }
    public string? SettingsJson { get; set; }
    public DateTimeOffset? SettingsUpdatedAt { get; set; }
}
