using System.Text.Json;
using Tenantra.Core.Notifications;

namespace Tenantra.Server.Notifications;

/// <summary>One event as messages show it.</summary>
public sealed record NotificationItem(
    Guid EventId, string Type, NotificationSeverity Severity, string Title, string? Link, IReadOnlyDictionary<string, string> Facts,
    DateTimeOffset OccurredAt, int FoldedCount)
{
    public static NotificationItem Of(NotificationEvent e, int foldedCount) =>
        new(e.Id, e.Type, e.Severity, e.Title, e.Link, JsonSerializer.Deserialize<Dictionary<string, string>>(e.Facts) ?? [], e.OccurredAt, foldedCount);
}

/// <summary>
/// What one delivery says: one event, or a digest of several. <see cref="DeliveryId"/> is the
/// idempotency key every channel carries.
/// </summary>
public sealed record NotificationMessage(Guid DeliveryId, Guid TenantId, string TenantName, IReadOnlyList<NotificationItem> Items, bool IsDigest, string? ConsoleUrl)
{
    public NotificationItem First => Items[0];

    /// <summary>The console address of a tenant page path (<c>/assets/…</c> → <c>{console}/t/{tenant}/assets/…</c>).</summary>
    public string? AbsoluteLink(string? path) => path is null || ConsoleUrl is null ? null : $"{ConsoleUrl.TrimEnd('/')}/t/{TenantId}{path}";
}
