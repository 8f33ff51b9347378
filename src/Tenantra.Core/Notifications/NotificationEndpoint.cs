namespace Tenantra.Core.Notifications;

/// <summary>
/// A place outside Tenantra the tenant's events go to: a signed webhook, or a Slack or Microsoft
/// Teams incoming webhook. The URL (which for Slack and Teams is itself the credential) and the
/// signing secrets are kept encrypted; the API shows <see cref="UrlHint"/> only.
/// </summary>
public sealed class NotificationEndpoint : ITenantScoped
{
    public const int MaxNameLength = 100;
    public const int MaxUrlLength = 2000;

    /// <summary>How long a rotated-out webhook secret still signs, so receivers can switch over.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public NotificationChannel Kind { get; init; }
    public required string ProtectedUrl { get; set; }
    public required string UrlHint { get; set; }

    /// <summary>The webhook signing secret (<c>whsec_…</c>), encrypted; null for Slack and Teams.</summary>
    public string? ProtectedSecret { get; set; }
    public string? ProtectedPreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>Event types sent here; empty means all.</summary>
    public List<string> EventTypes { get; set; } = [];
    public NotificationSeverity MinSeverity { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }

    public bool Wants(NotificationEvent e) =>
        Enabled && e.Severity >= MinSeverity && (EventTypes.Count == 0 || EventTypes.Contains(e.Type));
}
