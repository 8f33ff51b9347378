using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Routes one published event (job kind <see cref="Kind"/>): works out who gets it on which channel
/// from the preferences, folds it into an identical delivery within the throttle window, puts it in
/// a digest or holds it for the end of quiet hours, stores in-app notifications at once, and queues
/// a delivery job for everything else — all in one transaction with the event marked routed, so a
/// rerun after a crash routes it exactly once.
/// </summary>
public sealed class NotificationRouter(TenantraDbContext db, JobQueue jobs, TimeProvider clock, IOptions<NotificationOptions> options) : IJobHandler
{
    public const string Kind = "notification.route";

    public sealed record Payload(Guid EventId);

    /// <summary>Deliveries of one planned recipient × channel, before throttling decides.</summary>
    private sealed record Plan(NotificationChannel Channel, string RecipientKey, string Recipient, Guid? UserId, Guid? EndpointId, NotificationSchedule Schedule, string ThrottleKey);

    private const int Tries = 4;

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var eventId = run.Payload<Payload>().EventId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.InTransactionAsync(() => RouteAsync(eventId, cancellationToken), cancellationToken);
            }
            catch (DbUpdateException) when (attempt < Tries)
            {
                // Another routing made the same throttle leader or digest first (a unique key): start
                // again and fold into theirs.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<string?> RouteAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var notification = await db.NotificationEvents.FirstOrDefaultAsync(e => e.Id == eventId, cancellationToken)
            ?? throw new PermanentJobFailureException($"Notification event {eventId} does not exist.");
        if (notification.RoutedAt is not null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == notification.TenantId, cancellationToken);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var rules = await db.NotificationRules.AsNoTracking().Where(r => r.EventType == notification.Type).ToDictionaryAsync(r => r.UserId, cancellationToken);
        var schedules = await db.NotificationSchedules.AsNoTracking().ToDictionaryAsync(s => s.UserId, cancellationToken);
        var tenantSchedule = schedules.GetValueOrDefault(Guid.Empty) ?? NotificationSchedule.DefaultFor(tenant.Id);
        var tenantRule = rules.GetValueOrDefault(Guid.Empty) ?? NotificationDefaults.RuleFor(notification.Type);

        var plans = new List<Plan>();
        foreach (var user in await NotificationRecipients.OfAsync(db, tenant, cancellationToken))
        {
            var rule = rules.GetValueOrDefault(user.UserId) ?? tenantRule;
            if (notification.Severity < rule.MinSeverity)
            {
                continue;
            }

            var schedule = schedules.GetValueOrDefault(user.UserId) ?? tenantSchedule;
            if (rule.Channels.HasFlag(UserChannels.InApp))
            {
                plans.Add(PlanFor(notification, NotificationChannel.InApp, $"user:{user.UserId}", user.DisplayName, user.UserId, null, schedule));
            }

            if (rule.Channels.HasFlag(UserChannels.Email))
            {
                plans.Add(PlanFor(notification, NotificationChannel.Email, $"user:{user.UserId}", user.Email, user.UserId, null, schedule));
            }
        }

        foreach (var endpoint in await db.NotificationEndpoints.AsNoTracking().Where(e => e.Enabled).OrderBy(e => e.Id).ToListAsync(cancellationToken))
        {
            if (endpoint.Wants(notification))
            {
                plans.Add(PlanFor(notification, endpoint.Kind, $"endpoint:{endpoint.Id}", endpoint.Name, null, endpoint.Id, tenantSchedule));
            }
        }

        var throttleKeys = plans.Select(p => p.ThrottleKey).ToList();
        var oldestWindow = now.AddMinutes(-NotificationSchedule.MaxThrottleMinutes);
        var leaders = (await db.NotificationDeliveries
                .Where(d => throttleKeys.Contains(d.ThrottleKey) && d.FoldedIntoId == null && d.CreatedAt >= oldestWindow)
                .Select(d => new { d.Id, d.ThrottleKey, d.DedupeKey })
                .ToListAsync(cancellationToken))
            .ToLookup(d => d.DedupeKey);

        foreach (var plan in plans)
        {
            var window = plan.Schedule.ThrottleMinutes;
            var leaderKey = window > 0 ? $"t:{plan.ThrottleKey}:{WindowStart(now, window).ToUnixTimeSeconds()}" : null;
            if (leaderKey is not null && leaders[leaderKey].FirstOrDefault() is { } leader)
            {
                await FoldAsync(notification, plan, leader.Id, now, cancellationToken);
                continue;
            }

            await DeliverAsync(notification, plan, leaderKey ?? $"e:{notification.Id}:{plan.RecipientKey}:{plan.Channel}", zone, now, cancellationToken);
        }

        notification.RoutedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return $"{{\"deliveries\":{plans.Count}}}";
    }

    private static Plan PlanFor(NotificationEvent e, NotificationChannel channel, string recipientKey, string recipient, Guid? userId, Guid? endpointId, NotificationSchedule schedule) =>
        new(channel, recipientKey, recipient, userId, endpointId, schedule, ThrottleKeyOf(e, recipientKey, channel));

    /// <summary>Identical events (same type and fingerprint) to the same recipient on the same channel.</summary>
    private static string ThrottleKeyOf(NotificationEvent e, string recipientKey, NotificationChannel channel) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{e.Type}\n{e.Fingerprint}\n{recipientKey}\n{channel}")))[..32];

    /// <summary>Throttle windows are fixed, aligned to multiples of their length since the epoch.</summary>
    private static DateTimeOffset WindowStart(DateTimeOffset now, int minutes)
    {
        var length = TimeSpan.FromMinutes(minutes).Ticks;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length), TimeSpan.Zero);
    }

    private async Task FoldAsync(NotificationEvent e, Plan plan, Guid leaderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Counted in the database, so concurrent routings fold into one leader; an in-app leader shows as unread again.
        var unread = plan.Channel == NotificationChannel.InApp;
        await db.NotificationDeliveries.Where(d => d.Id == leaderId).ExecuteUpdateAsync(
            s => s.SetProperty(d => d.FoldedCount, d => d.FoldedCount + 1).SetProperty(d => d.ReadAt, d => unread ? null : d.ReadAt), cancellationToken);
        var folded = NewDelivery(e, plan, $"e:{e.Id}:{plan.RecipientKey}:{plan.Channel}", DeliveryStatus.Folded, now);
        folded.FoldedIntoId = leaderId;
        db.NotificationDeliveries.Add(folded);
    }

    private async Task DeliverAsync(NotificationEvent e, Plan plan, string dedupeKey, TimeZoneInfo zone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plan.Channel == NotificationChannel.InApp)
        {
            // Storing it is delivering it: the inbox reads these rows.
            var stored = NewDelivery(e, plan, dedupeKey, DeliveryStatus.Delivered, now);
            stored.Attempts = 1;
            stored.DeliveredAt = now;
            db.NotificationDeliveries.Add(stored);
            db.NotificationAttempts.Add(NotificationLedger.Attempt(stored, AttemptOutcome.Delivered, "Stored in the inbox.", now, now));
            return;
        }

        var isUserEmail = plan.Channel == NotificationChannel.Email;
        if (isUserEmail && plan.Schedule.Digest != DigestMode.Immediate && e.Severity < NotificationSeverity.Critical)
        {
            if (await DigestForAsync(plan, zone, now, cancellationToken) is { } digestId)
            {
                var member = NewDelivery(e, plan, dedupeKey, DeliveryStatus.InDigest, now);
                member.DigestId = digestId;
                db.NotificationDeliveries.Add(member);
                return;
            }
        }

        var delivery = NewDelivery(e, plan, dedupeKey, DeliveryStatus.Pending, now);
        delivery.DueAt = isUserEmail ? plan.Schedule.ReleaseTime(now, zone, e.Severity) : now;
        db.NotificationDeliveries.Add(delivery);
        jobs.Enqueue(NotificationDeliverer.Kind, e.TenantId, new NotificationDeliverer.Payload(delivery.Id), delivery.DueAt, maxAttempts: options.Value.MaxAttempts);
    }

    /// <summary>
    /// The digest the recipient's email waits in: the one for the current window, made (with its job)
    /// by the first member; null when that digest has already gone out, and the email goes on its own.
    /// </summary>
    private async Task<Guid?> DigestForAsync(Plan plan, TimeZoneInfo zone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowEnd = plan.Schedule.DigestWindowEnd(now, zone);
        var key = $"d:{plan.RecipientKey}:{plan.Channel}:{windowEnd.ToUnixTimeSeconds()}";
        var existing = db.NotificationDeliveries.Local.FirstOrDefault(d => d.DedupeKey == key)
            ?? await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.DedupeKey == key, cancellationToken);
        if (existing is not null)
        {
            return existing.Status == DeliveryStatus.Pending ? existing.Id : null;
        }

        var digest = new NotificationDelivery
        {
            TenantId = plan.Schedule.TenantId,
            EventType = NotificationDefaults.DigestEventType,
            Channel = plan.Channel,
            RecipientUserId = plan.UserId,
            Recipient = plan.Recipient,
            DedupeKey = key,
            ThrottleKey = key.Length <= 64 ? key : key[..64],
            Status = DeliveryStatus.Pending,
            DigestWindowEnd = windowEnd,
            CreatedAt = now,
            DueAt = plan.Schedule.ReleaseTime(windowEnd, zone, NotificationSeverity.Info),
        };
        db.NotificationDeliveries.Add(digest);
        jobs.Enqueue(NotificationDeliverer.Kind, digest.TenantId, new NotificationDeliverer.Payload(digest.Id), digest.DueAt, maxAttempts: options.Value.MaxAttempts);
        return digest.Id;
    }

    private static NotificationDelivery NewDelivery(NotificationEvent e, Plan plan, string dedupeKey, DeliveryStatus status, DateTimeOffset now) => new()
    {
        TenantId = e.TenantId,
        EventId = e.Id,
        EventType = e.Type,
        Channel = plan.Channel,
        RecipientUserId = plan.UserId,
        EndpointId = plan.EndpointId,
        Recipient = plan.Recipient.Length <= NotificationDelivery.MaxRecipientLength ? plan.Recipient : plan.Recipient[..NotificationDelivery.MaxRecipientLength],
        DedupeKey = dedupeKey,
        ThrottleKey = plan.ThrottleKey,
        Status = status,
        CreatedAt = now,
        DueAt = now,
    };
}
