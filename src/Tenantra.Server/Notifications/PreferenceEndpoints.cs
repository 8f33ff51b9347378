using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Notification preferences: the tenant's defaults (admins) and each user's own, which replace the
/// defaults per event type and, for the schedule, as a whole.
/// </summary>
public static class PreferenceEndpoints
{
    public static void MapPreferenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var notifications = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/notifications").WithTags("Notifications");
        notifications.MapGet("/event-types", EventTypes).RequireTenant(Permission.TenantRead)
            .WithName("ListNotificationEventTypes").WithSummary("The event types notifications are raised for, with default severities");
        notifications.MapGet("/preferences/tenant", GetTenant).RequireTenant(Permission.TenantRead)
            .WithName("GetTenantNotificationPreferences").WithSummary("The tenant's default preferences");
        notifications.MapPut("/preferences/tenant", PutTenant).RequireTenant(Permission.TenantManage).Validates<PreferencesBody>()
            .WithName("SetTenantNotificationPreferences").WithSummary("Replace the tenant's default preferences")
            .WithDescription("`rules` lists the event types set here (channels `inApp`/`email`, `minSeverity`); unlisted types use the built-in default (both channels from medium up). Quiet hours are HH:mm in the tenant's time zone.");
        notifications.MapGet("/preferences/me", GetMine).RequireTenant(Permission.TenantRead)
            .WithName("GetMyNotificationPreferences").WithSummary("The caller's effective preferences in the tenant");
        notifications.MapPut("/preferences/me", PutMine).RequireTenant(Permission.TenantRead).Validates<PreferencesBody>()
            .WithName("SetMyNotificationPreferences").WithSummary("Replace the caller's own preferences")
            .WithDescription("A rule for an event type replaces the tenant's for that type; the schedule (digest, quiet hours, throttle) replaces the tenant's whole, unless `useTenantSchedule` is true (then leave the schedule fields out).");
        notifications.MapDelete("/preferences/me", ResetMine).RequireTenant(Permission.TenantRead)
            .WithName("ResetMyNotificationPreferences").WithSummary("Go back to the tenant's defaults");
    }

    // The tenant in the route is checked by RequireTenant; the catalogue is the same in every tenant.
    private static Ok<IReadOnlyList<EventTypeResponse>> EventTypes(Guid tenantId) =>
        TypedResults.Ok<IReadOnlyList<EventTypeResponse>>([.. NotificationCatalog.All.Select(t => new EventTypeResponse(t.Key, t.Title, t.DefaultSeverity, t.Description))]);

    private static async Task<Ok<PreferencesResponse>> GetTenant(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok(await EffectiveAsync(db, tenantId, null));

    private static async Task<Ok<PreferencesResponse>> GetMine(Guid tenantId, TenantraDbContext db, Caller caller) =>
        TypedResults.Ok(await EffectiveAsync(db, tenantId, caller.UserId));

    private static async Task<Results<Ok<PreferencesResponse>, ValidationProblem>> PutTenant(Guid tenantId, PreferencesBody body, TenantraDbContext db, AuditWriter audit)
    {
        if (body.UseTenantSchedule == true)
        {
            return Problems.Field("useTenantSchedule", "is for a user's own preferences; the tenant's defaults are the tenant's schedule.");
        }

        await SaveAsync(db, audit, tenantId, Guid.Empty, body, "notification-preferences.tenant-updated");
        return TypedResults.Ok(await EffectiveAsync(db, tenantId, null));
    }

    private static async Task<Ok<PreferencesResponse>> PutMine(Guid tenantId, PreferencesBody body, TenantraDbContext db, Caller caller, AuditWriter audit)
    {
        await SaveAsync(db, audit, tenantId, caller.UserId, body, "notification-preferences.updated");
        return TypedResults.Ok(await EffectiveAsync(db, tenantId, caller.UserId));
    }

    private static async Task<Ok<PreferencesResponse>> ResetMine(Guid tenantId, TenantraDbContext db, Caller caller, AuditWriter audit)
    {
        var userId = caller.UserId;
        await db.InTransactionAsync(async () =>
        {
            await db.NotificationRules.Where(r => r.TenantId == tenantId && r.UserId == userId).ExecuteDeleteAsync();
            await db.NotificationSchedules.Where(s => s.TenantId == tenantId && s.UserId == userId).ExecuteDeleteAsync();
            await audit.StageAsync(tenantId, new AuditEvent("notification-preferences.reset", "user", userId));
            return await db.SaveChangesAsync();
        });
        return TypedResults.Ok(await EffectiveAsync(db, tenantId, userId));
    }

    private static async Task SaveAsync(TenantraDbContext db, AuditWriter audit, Guid tenantId, Guid userId, PreferencesBody body, string action)
    {
        await db.InTransactionAsync(async () =>
        {
            await db.NotificationRules.Where(r => r.TenantId == tenantId && r.UserId == userId).ExecuteDeleteAsync();
            db.NotificationRules.AddRange(body.Rules!.Select(r => new NotificationRule
            {
                TenantId = tenantId,
                UserId = userId,
                EventType = r.EventType!,
                Channels = PreferencesBody.ChannelsOf(r.Channels!),
                MinSeverity = r.MinSeverity!.Value,
            }));
            var schedule = await db.NotificationSchedules.FirstOrDefaultAsync(s => s.TenantId == tenantId && s.UserId == userId);
            if (body.UseTenantSchedule == true)
            {
                if (schedule is not null)
                {
                    db.NotificationSchedules.Remove(schedule);
                }

                await audit.StageAsync(tenantId, new AuditEvent(action, "user", userId, After: body));
                return await db.SaveChangesAsync();
            }

            if (schedule is null)
            {
                schedule = new NotificationSchedule { TenantId = tenantId, UserId = userId };
                db.NotificationSchedules.Add(schedule);
            }

            schedule.Digest = body.Digest!.Value;
            schedule.QuietHoursStart = PreferencesBody.ParseTime(null, "", body.QuietHoursStart);
            schedule.QuietHoursEnd = PreferencesBody.ParseTime(null, "", body.QuietHoursEnd);
            schedule.CriticalBypassesQuietHours = body.CriticalBypassesQuietHours!.Value;
            schedule.ThrottleMinutes = body.ThrottleMinutes!.Value;
            await audit.StageAsync(tenantId, new AuditEvent(action, userId == Guid.Empty ? "tenant" : "user", userId == Guid.Empty ? tenantId : userId, After: body));
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>For a user: their rules over the tenant's over the built-in defaults; their schedule or the tenant's.</summary>
    public static async Task<PreferencesResponse> EffectiveAsync(TenantraDbContext db, Guid tenantId, Guid? userId)
    {
        var subjects = userId is { } id ? new[] { Guid.Empty, id } : [Guid.Empty];
        var rules = await db.NotificationRules.AsNoTracking().Where(r => r.TenantId == tenantId && subjects.Contains(r.UserId)).ToListAsync();
        var schedules = await db.NotificationSchedules.AsNoTracking().Where(s => s.TenantId == tenantId && subjects.Contains(s.UserId)).ToListAsync();
        var own = userId ?? Guid.Empty;
        var schedule = schedules.FirstOrDefault(s => s.UserId == own) ?? schedules.FirstOrDefault(s => s.UserId == Guid.Empty) ?? NotificationSchedule.DefaultFor(tenantId);
        var zone = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).FirstAsync();
        var effective = NotificationCatalog.All.Select(type =>
        {
            var mine = rules.FirstOrDefault(r => r.UserId == own && r.EventType == type.Key);
            var rule = mine ?? rules.FirstOrDefault(r => r.UserId == Guid.Empty && r.EventType == type.Key) ?? NotificationDefaults.RuleFor(type.Key);
            return new RuleResponse(type.Key, ChannelNames(rule.Channels), rule.MinSeverity, Inherited: mine is null);
        }).ToList();
        return new PreferencesResponse(
            userId, effective, schedule.Digest, schedule.QuietHoursStart?.ToString("HH:mm"), schedule.QuietHoursEnd?.ToString("HH:mm"),
            schedule.CriticalBypassesQuietHours, schedule.ThrottleMinutes, UsesTenantSchedule: schedule.UserId != own, zone);
    }

    private static IReadOnlyList<string> ChannelNames(UserChannels channels) =>
        [.. new[] { (UserChannels.InApp, "inApp"), (UserChannels.Email, "email") }.Where(c => channels.HasFlag(c.Item1)).Select(c => c.Item2)];
}
