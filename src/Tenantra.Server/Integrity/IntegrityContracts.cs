using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Integrity;

public sealed record IntegrityEventSummary(
    Guid Id, Guid AssetId, string Hostname, string Category, string Kind, string EntryKey, EntryChangeKind Change, NotificationSeverity Severity,
    IReadOnlyList<string> RuleKeys, IntegrityEventStatus Status, string? Resolution, Guid? AssigneeId, DateTimeOffset DetectedAt,
    DateTimeOffset LastSeenAt, DateTimeOffset UpdatedAt);

public sealed record SeverityRuleReference(string Key, string Title, NotificationSeverity Severity);

public sealed record IntegrityCommentResponse(Guid Id, Guid? AuthorId, string AuthorName, string? Action, string Text, DateTimeOffset CreatedAt);

public sealed record IntegrityEventDetail(
    IntegrityEventSummary Event, string? AssigneeName, IReadOnlyList<FieldChange> Fields, IReadOnlyDictionary<string, string?>? Before,
    IReadOnlyDictionary<string, string?>? After, IReadOnlyList<SeverityRuleReference> Rules, Guid SnapshotId, Guid LastSnapshotId,
    IReadOnlyList<IntegrityCommentResponse> Comments);

/// <summary>A triage step: a new status (open, acknowledged, resolved with a resolution), an assignee, a comment; any of them.</summary>
public sealed record TriageEventRequest(IntegrityEventStatus? Status, string? Resolution, Guid? AssigneeId, bool? ClearAssignee, string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Status is null && AssigneeId is null && ClearAssignee is null && string.IsNullOrWhiteSpace(Comment))
        {
            errors.Add("status", "Give a status, an assignee, clearAssignee or a comment.");
        }

        if (Status == IntegrityEventStatus.Approved)
        {
            errors.Add("status", "Approving folds the drift into the baseline: use the approve action.");
        }

        if (Status == IntegrityEventStatus.Resolved && (Resolution is null || !Resolutions.Chosen.Contains(Resolution)))
        {
            errors.Add("resolution", $"must be one of {string.Join(", ", Resolutions.Chosen)} when resolving.");
        }

        if (Status != IntegrityEventStatus.Resolved && Resolution is not null)
        {
            errors.Add("resolution", "is given only when resolving.");
        }

        errors.MaxLength("comment", Comment, IntegrityEventComment.MaxTextLength);
    }
}

public sealed record CommentEventRequest(string? Text) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("text", Text, IntegrityEventComment.MaxTextLength);
}

/// <summary>Approving needs a reason: it changes what the asset is expected to look like.</summary>
public sealed record ApproveDriftRequest(string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("comment", Comment, IntegrityEventComment.MaxTextLength);
}

public sealed record SeverityCount(NotificationSeverity Severity, int Count);

public sealed record IntegrityDay(DateOnly Day, IReadOnlyList<SeverityCount> Counts);

public sealed record IntegrityAssetCount(Guid AssetId, string Hostname, int Active, NotificationSeverity HighestSeverity);

public sealed record IntegrityCategoryCount(string Category, int Active, int Total);

public sealed record IntegrityOverview(
    int Days, IReadOnlyList<SeverityCount> Active, IReadOnlyList<IntegrityDay> Detected, IReadOnlyList<IntegrityAssetCount> TopAssets,
    IReadOnlyList<IntegrityCategoryCount> Categories);

public sealed record BaselineResponse(
    string Category, bool FollowsGolden, string? GoldenScope, BaselineOrigin Origin, int EntryCount, int Revision, Guid? SourceSnapshotId,
    DateTimeOffset UpdatedAt, Guid? UpdatedBy, string? Comment, Guid? CurrentSnapshotId, int ActiveEvents);

public sealed record SnapshotHistoryItem(Guid Id, string Category, DateTimeOffset CollectedAt, DateTimeOffset ReceivedAt, int EntryCount, string ContentHash);

/// <summary>One entry in a comparison: its status and the entry on each side (null where absent).</summary>
public sealed record DiffEntry(
    string Status, string Kind, string Key, IReadOnlyList<FieldChange> Fields, IReadOnlyDictionary<string, string?>? Before,
    IReadOnlyDictionary<string, string?>? After, NotificationSeverity? Severity, IReadOnlyList<string> RuleKeys);

public sealed record DiffResponse(
    string Category, string From, string To, DateTimeOffset? FromCollectedAt, DateTimeOffset? ToCollectedAt, int Added, int Removed, int Modified,
    int Unchanged, IReadOnlyList<string> VolatileFields, Paged<DiffEntry> Entries);

public sealed record PinBaselineRequest(Guid? SnapshotId, string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (SnapshotId is null)
        {
            errors.Add("snapshotId", "is required.");
        }

        errors.Required("comment", Comment, IntegrityEventComment.MaxTextLength);
    }
}

public sealed record FollowGoldenRequest(bool? Follow, string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Follow is null)
        {
            errors.Add("follow", "is required.");
        }

        errors.Required("comment", Comment, IntegrityEventComment.MaxTextLength);
    }
}

public sealed record GoldenBaselineResponse(
    Guid Id, Guid? GroupId, string? GroupName, string Category, int EntryCount, int Revision, Guid? SourceSnapshotId, DateTimeOffset UpdatedAt,
    string? Comment, int Followers);

public sealed record CreateGoldenBaselineRequest(Guid? GroupId, string? Category, Guid? AssetId, Guid? SnapshotId, bool? ApplyToAssets, string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Category is null || !IntegrityPolicies.Covers(Category))
        {
            errors.Add("category", $"must be one of {string.Join(", ", IntegrityPolicies.All.Select(p => p.Category))}.");
        }

        if (AssetId is null)
        {
            errors.Add("assetId", "is required: the golden baseline is made from one of the asset's snapshots.");
        }

        errors.Required("comment", Comment, IntegrityEventComment.MaxTextLength);
    }
}

public sealed record SuppressionResponse(
    Guid Id, Guid? AssetId, string? Category, string? Kind, string KeyPattern, string? Field, string Comment, Guid? CreatedBy, DateTimeOffset CreatedAt);

public sealed record CreateSuppressionRequest(Guid? AssetId, string? Category, string? Kind, string? KeyPattern, string? Field, string? Comment) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Category is not null && !IntegrityPolicies.Covers(Category))
        {
            errors.Add("category", $"must be one of {string.Join(", ", IntegrityPolicies.All.Select(p => p.Category))}.");
        }

        errors.MaxLength("kind", Kind, 64);
        errors.Required("keyPattern", KeyPattern, IntegritySuppression.MaxPatternLength);
        errors.MaxLength("field", Field, 64);
        errors.Required("comment", Comment, IntegritySuppression.MaxCommentLength);
    }
}

public sealed record SeverityRuleResponse(
    string Key, string Title, NotificationSeverity Severity, NotificationSeverity? ShippedSeverity, bool Enabled, bool Custom, RuleMatch Match);

/// <summary>A rule of the tenant's own: its key (lowercase letters, digits, dashes), title, severity, and what it matches.</summary>
public sealed record CreateSeverityRuleRequest(string? Key, string? Title, NotificationSeverity? Severity, bool? Enabled, RuleMatch? Match) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("key", Key, Core.Integrity.IntegrityRule.MaxKeyLength);
        errors.Required("title", Title, Core.Integrity.IntegrityRule.MaxTitleLength);
        if (Severity is null)
        {
            errors.Add("severity", "is required.");
        }

        if (Match is null)
        {
            errors.Add("match", "is required.");
        }
    }
}

/// <summary>A shipped rule takes severity and enabled; an own rule can change its title and match too.</summary>
public sealed record SetSeverityRuleRequest(string? Title, NotificationSeverity? Severity, bool? Enabled, RuleMatch? Match) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Severity is null)
        {
            errors.Add("severity", "is required.");
        }

        errors.MaxLength("title", Title, Core.Integrity.IntegrityRule.MaxTitleLength);
    }
}
