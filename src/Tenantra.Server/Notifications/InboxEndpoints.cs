using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Notifications;

/// <summary>The caller's in-app notifications in a tenant: list, unread count, mark read. Also: publish a test event.</summary>
public static class InboxEndpoints
{
    public static void MapInboxEndpoints(this IEndpointRouteBuilder routes)
    {
        var inbox = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/notifications").WithTags("Notifications");
        inbox.MapGet("/inbox", List).RequireTenant(Permission.TenantRead)
            .WithName("ListInbox").WithSummary("The caller's in-app notifications, newest first")
            .WithDescription("Paged; `unread=true` for unread ones only; `severity` for that severity and above. Identical events folded by throttling show as one item with `foldedCount`.");
        inbox.MapGet("/inbox/unread-count", UnreadCount).RequireTenant(Permission.TenantRead)
            .WithName("GetInboxUnreadCount").WithSummary("How many of the caller's in-app notifications are unread");
        inbox.MapPost("/inbox/{deliveryId:guid}/read", MarkRead).RequireTenant(Permission.TenantRead)
            .WithName("MarkInboxItemRead").WithSummary("Mark one notification read");
        inbox.MapPost("/inbox/read-all", MarkAllRead).RequireTenant(Permission.TenantRead)
            .WithName("MarkInboxRead").WithSummary("Mark all the caller's notifications read");
        inbox.MapPost("/test", PublishTest).RequireTenant(Permission.TenantManage).Validates<PublishTestRequest>()
            .WithName("PublishTestNotification").WithSummary("Publish a test event through the tenant's preferences and endpoints")
            .WithDescription("A `notification.test` event with the given `severity` (default info) goes through routing like any other; see the ledger for where it went.");
    }

    private static IQueryable<NotificationDelivery> Mine(TenantraDbContext db, Guid tenantId, Guid userId) =>
        db.NotificationDeliveries.Where(d => d.TenantId == tenantId && d.RecipientUserId == userId && d.Channel == NotificationChannel.InApp && d.Status == DeliveryStatus.Delivered);

    private static async Task<Ok<Paged<InboxItemResponse>>> List(
        Guid tenantId, [AsParameters] PageRequest page, bool? unread, EnumFilter<NotificationSeverity>? severity, TenantraDbContext db, Caller caller)
    {
        var deliveries = Mine(db, tenantId, caller.UserId);
        if (unread == true)
        {
            deliveries = deliveries.Where(d => d.ReadAt == null);
        }

        var query = from d in deliveries
                    join e in db.NotificationEvents on d.EventId equals e.Id
                    where e.TenantId == tenantId
                    select new { d, e };
        if (severity is { } least)
        {
            query = query.Where(x => x.e.Severity >= least.Value);
        }

        if (page.Search is { } search)
        {
            query = query.Where(x => x.e.Title.Contains(search));
        }

        var rows = await query.OrderByDescending(x => x.d.CreatedAt).ThenByDescending(x => x.d.Id).ToPageAsync(page);
        return TypedResults.Ok(new Paged<InboxItemResponse>(
            [.. rows.Items.Select(x => new InboxItemResponse(
                x.d.Id, x.e.Id, x.e.Type, x.e.Severity, x.e.Title, x.e.Link, JsonSerializer.Deserialize<Dictionary<string, string>>(x.e.Facts) ?? [],
                x.e.OccurredAt, x.d.FoldedCount, x.d.ReadAt != null))],
            rows.Page, rows.PageSize, rows.Total));
    }

    private static async Task<Ok<UnreadCountResponse>> UnreadCount(Guid tenantId, TenantraDbContext db, Caller caller) =>
        TypedResults.Ok(new UnreadCountResponse(await Mine(db, tenantId, caller.UserId).CountAsync(d => d.ReadAt == null)));

    private static async Task<Results<Ok<MarkedResponse>, ProblemHttpResult>> MarkRead(Guid tenantId, Guid deliveryId, TenantraDbContext db, Caller caller, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var item = Mine(db, tenantId, caller.UserId).Where(d => d.Id == deliveryId);
        if (!await item.AnyAsync())
        {
            return Problems.NotFound("notification");
        }

        return TypedResults.Ok(new MarkedResponse(await item.Where(d => d.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(d => d.ReadAt, now))));
    }

    private static async Task<Ok<MarkedResponse>> MarkAllRead(Guid tenantId, TenantraDbContext db, Caller caller, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new MarkedResponse(await Mine(db, tenantId, caller.UserId).Where(d => d.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(d => d.ReadAt, now))));
    }

    private static async Task<Accepted<PublishedResponse>> PublishTest(Guid tenantId, PublishTestRequest request, TenantraDbContext db, NotificationPublisher publisher, Caller caller)
    {
        var published = publisher.Publish(tenantId, new NotificationDraft(
            NotificationCatalog.Test,
            string.IsNullOrWhiteSpace(request.Title) ? "Test notification" : request.Title.Trim(),
            request.Severity ?? NotificationSeverity.Info,
            Fingerprint: $"test:{Guid.NewGuid()}",
            Facts: new Dictionary<string, string> { ["Requested by"] = caller.Email ?? caller.UserId.ToString() }));
        await db.SaveChangesAsync();
        return TypedResults.Accepted($"/api/v1/tenants/{tenantId}/notifications/events/{published.Id}", new PublishedResponse(published.Id, published.Type, published.Severity));
    }
}
