using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Notifications;

public sealed record LedgerEntryResponse(
    Guid Id, Guid DeliveryId, Guid? EventId, string EventType, string? EventTitle, NotificationChannel Channel, string Recipient, int Attempt,
    AttemptOutcome Outcome, string Response, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

public sealed record DeliveryResponse(
    Guid Id, NotificationChannel Channel, string Recipient, DeliveryStatus Status, int Attempts, int FoldedCount, Guid? FoldedIntoId, Guid? DigestId,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? DeliveredAt);

public sealed record NotificationEventResponse(
    Guid Id, string Type, NotificationSeverity Severity, string Title, string? Link, IReadOnlyDictionary<string, string> Facts, DateTimeOffset OccurredAt,
    DateTimeOffset? RoutedAt, IReadOnlyList<DeliveryResponse> Deliveries, IReadOnlyList<LedgerEntryResponse> Attempts);

/// <summary>The delivery ledger: every attempt to deliver a notification, and the event each came from.</summary>
public static class LedgerEndpoints
{
    public static void MapLedgerEndpoints(this IEndpointRouteBuilder routes)
    {
        var notifications = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/notifications").WithTags("Notifications");
        notifications.MapGet("/ledger", List).RequireTenant(Permission.AuditRead)
            .WithName("ListNotificationLedger").WithSummary("Every delivery attempt, newest first")
            .WithDescription("Paged; filters `from`/`to` (UTC), `eventType`, `channel`, `outcome` (delivered, failed, dead), `recipient` (part of it); `q` searches recipients, responses, event types and titles. Export it as the `notification-ledger` dataset.");
        notifications.MapGet("/events/{eventId:guid}", Event).RequireTenant(Permission.AuditRead)
            .WithName("GetNotificationEvent").WithSummary("One published event with its deliveries and their attempts");
    }

    private static async Task<Ok<Paged<LedgerEntryResponse>>> List(
        Guid tenantId, [AsParameters] PageRequest page, DateTimeOffset? from, DateTimeOffset? to, string? eventType, EnumFilter<NotificationChannel>? channel,
        EnumFilter<AttemptOutcome>? outcome, string? recipient, TenantraDbContext db)
    {
        var filter = new LedgerFilter(from, to, Clip(eventType), channel?.Value, outcome?.Value, Clip(recipient), page.Search);
        var rows = await filter.Apply(Rows(db, tenantId, db.NotificationAttempts.Where(a => a.TenantId == tenantId)))
            .OrderByDescending(r => r.Attempt.StartedAt).ThenByDescending(r => r.Attempt.Id).ToPageAsync(page);
        return TypedResults.Ok(new Paged<LedgerEntryResponse>([.. rows.Items.Select(r => r.Response)], rows.Page, rows.PageSize, rows.Total));
    }

    private static string? Clip(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim()[..Math.Min(text.Trim().Length, 200)];

    /// <summary>An attempt with its event's title (a digest has none); a member-init projection, so EF can still sort and page it.</summary>
    public sealed class LedgerRow
    {
        public required NotificationAttempt Attempt { get; init; }

        public string? EventTitle { get; init; }

        public LedgerEntryResponse Response => new(
            Attempt.Id, Attempt.DeliveryId, Attempt.EventId, Attempt.EventType, EventTitle, Attempt.Channel, Attempt.Recipient, Attempt.Attempt,
            Attempt.Outcome, Attempt.Response, Attempt.StartedAt, Attempt.FinishedAt);
    }

    public static IQueryable<LedgerRow> Rows(TenantraDbContext db, Guid tenantId, IQueryable<NotificationAttempt> attempts) =>
        from a in attempts
        join e in db.NotificationEvents.Where(e => e.TenantId == tenantId) on a.EventId equals (Guid?)e.Id into events
        from e in events.DefaultIfEmpty()
        select new LedgerRow { Attempt = a, EventTitle = e == null ? null : e.Title };

    private static async Task<Results<Ok<NotificationEventResponse>, ProblemHttpResult>> Event(Guid tenantId, Guid eventId, TenantraDbContext db)
    {
        if (await db.NotificationEvents.AsNoTracking().FirstOrDefaultAsync(e => e.TenantId == tenantId && e.Id == eventId) is not { } e)
        {
            return Problems.NotFound("notification event");
        }

        var deliveries = await db.NotificationDeliveries.AsNoTracking().Where(d => d.TenantId == tenantId && d.EventId == eventId).OrderBy(d => d.CreatedAt).ToListAsync();
        var deliveryIds = deliveries.Select(d => d.Id).Concat(deliveries.Where(d => d.DigestId != null).Select(d => d.DigestId!.Value)).ToList();
        var attempts = await Rows(db, tenantId, db.NotificationAttempts.AsNoTracking().Where(a => a.TenantId == tenantId && deliveryIds.Contains(a.DeliveryId)))
            .OrderBy(r => r.Attempt.StartedAt).ThenBy(r => r.Attempt.Id).ToListAsync();
        return TypedResults.Ok(new NotificationEventResponse(
            e.Id, e.Type, e.Severity, e.Title, e.Link, JsonSerializer.Deserialize<Dictionary<string, string>>(e.Facts) ?? [], e.OccurredAt, e.RoutedAt,
            [.. deliveries.Select(d => new DeliveryResponse(d.Id, d.Channel, d.Recipient, d.Status, d.Attempts, d.FoldedCount, d.FoldedIntoId, d.DigestId, d.CreatedAt, d.DueAt, d.DeliveredAt))],
            [.. attempts.Select(r => r.Response)]));
    }
}
