using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>
/// A tenant's word on a severity rule: for a shipped rule (no <see cref="MatchJson"/>), its
/// severity or that it is off; otherwise a rule of the tenant's own, its match as JSON of <see cref="RuleMatch"/>.
/// </summary>
public sealed class IntegrityRule : ITenantScoped
{
    public const int MaxKeyLength = 64;
    public const int MaxTitleLength = 200;

    public Guid TenantId { get; init; }
    public required string Key { get; init; }
    public required string Title { get; set; }
    public NotificationSeverity Severity { get; set; }
    public bool Enabled { get; set; } = true;
    public string? MatchJson { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
