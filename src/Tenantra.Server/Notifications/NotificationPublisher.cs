using System.Text.Json;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Notifications;

/// <summary>What a module says happened; severity defaults to the event type's, the fingerprint to the title.</summary>
public sealed record NotificationDraft(
    string Type, string Title, NotificationSeverity? Severity = null, string? Fingerprint = null, string? Link = null,
    IReadOnlyDictionary<string, string>? Facts = null);

/// <summary>
/// The one way modules raise notifications. <see cref="Publish"/> stages the event and the job that
/// routes it in the caller's context; both are saved by the caller's <c>SaveChangesAsync</c>, in the
/// transaction of the change that caused them (the outbox), so no alert is sent about a change that
/// rolled back and none is lost for one that committed.
/// </summary>
public sealed class NotificationPublisher(TenantraDbContext db, JobQueue jobs, TimeProvider clock)
{
    /// <exception cref="ArgumentException">The type is not in <see cref="NotificationCatalog"/> (a programming error).</exception>
    public NotificationEvent Publish(Guid tenantId, NotificationDraft draft)
    {
        var type = NotificationCatalog.Find(draft.Type) ?? throw new ArgumentException($"\"{draft.Type}\" is not an event type in the catalogue.", nameof(draft));
        var facts = (draft.Facts ?? new Dictionary<string, string>()).Take(NotificationEvent.MaxFacts).ToDictionary(f => Clip(f.Key, 64), f => Clip(f.Value, 1000));
        var notification = new NotificationEvent
        {
            TenantId = tenantId,
            Type = type.Key,
            Severity = draft.Severity ?? type.DefaultSeverity,
            Title = Clip(draft.Title, NotificationEvent.MaxTitleLength),
            Fingerprint = Clip(draft.Fingerprint ?? draft.Title, 200),
            Link = draft.Link is { Length: <= 500 } link && link.StartsWith('/') ? link : null,
            Facts = JsonSerializer.Serialize(facts),
            OccurredAt = clock.GetUtcNow(),
        };
        notification.RouteJobId = jobs.Enqueue(NotificationRouter.Kind, tenantId, new NotificationRouter.Payload(notification.Id), priority: 1).Id;
        db.NotificationEvents.Add(notification);
        return notification;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
