using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>
/// Drift of one entry on one asset: added, removed or modified against the baseline, with its
/// severity and the rules that set it. At most one event per entry is active (open or
/// acknowledged); a later snapshot that changes the entry again updates it, one that brings the
/// entry back to the baseline resolves it.
/// </summary>
public sealed class IntegrityEvent : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid AssetId { get; init; }
    public required string Category { get; init; }
    public required string Kind { get; init; }
    public required string EntryKey { get; init; }
    public EntryChangeKind Change { get; set; }
    public NotificationSeverity Severity { get; set; }
    public List<string> RuleKeys { get; set; } = [];
    public IntegrityEventStatus Status { get; set; }

    /// <summary>Why it closed: reverted (back to the baseline), fixed, accepted, false-positive, approved.</summary>
    public string? Resolution { get; set; }
    public Guid? AssigneeId { get; set; }

    /// <summary>JSON array of the changed fields (name, before, after).</summary>
    public required string FieldsJson { get; set; }

    /// <summary>The entry's fields in the baseline and in the latest snapshot, as JSON objects (null: absent).</summary>
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }

    /// <summary>SHA-256 of the change (kind of change and fields): the same drift seen again is the same event.</summary>
    public required string Fingerprint { get; set; }
    public Guid SnapshotId { get; init; }
    public Guid LastSnapshotId { get; set; }
    public DateTimeOffset DetectedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public bool IsActive => Status is IntegrityEventStatus.Open or IntegrityEventStatus.Acknowledged;
}

/// <summary>A comment on an integrity event, or the note a status change left (<see cref="Action"/>).</summary>
public sealed class IntegrityEventComment : ITenantScoped
{
    public const int MaxTextLength = 2000;

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid EventId { get; init; }
    public Guid? AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public string? Action { get; init; }
    public required string Text { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
