namespace Tenantra.Core.Notifications;

/// <summary>
/// Something that happened in a tenant that people may need to hear about. Written in the same
/// transaction as the change that caused it, with the job that routes it (the outbox).
/// </summary>
public sealed class NotificationEvent : ITenantScoped
{
    public const int MaxTitleLength = 200;
    public const int MaxFacts = 30;

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>A key of <see cref="NotificationCatalog"/>.</summary>
    public required string Type { get; init; }
    public NotificationSeverity Severity { get; init; }
    public required string Title { get; init; }

    /// <summary>What makes events "identical" for throttling: the same type and fingerprint fold together.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The console page of the thing the event is about, relative to the tenant, e.g. <c>/assets/…</c>.</summary>
    public string? Link { get; init; }

    /// <summary>Name → value facts (JSON object) shown in messages and sent in webhooks.</summary>
    public string Facts { get; init; } = "{}";
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>The job queued to route it (a router that routes it with others discharges that job).</summary>
    public Guid RouteJobId { get; set; }

    /// <summary>When routing made its deliveries; null until then.</summary>
    public DateTimeOffset? RoutedAt { get; set; }
}
