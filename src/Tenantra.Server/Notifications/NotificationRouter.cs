using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Data.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Routes published events (job kind <see cref="Kind"/>): works out who gets each on which channel
/// from the preferences, folds it into an identical delivery within the throttle window, puts it in
/// a digest or holds it for the end of quiet hours, stores in-app notifications at once, and queues
/// a delivery job for everything else. A run takes up to <see cref="BatchSize"/> of the tenant's
/// oldest unrouted events (its own among them, unless another router has it), routes them in one
/// transaction with the events marked routed and their own routing jobs discharged, so a burst
/// costs one pass over the preferences per batch, and a rerun after a crash routes each event once.
/// </summary>
public sealed class NotificationRouter(TenantraDbContext db, JobQueue jobs, TimeProvider clock, IOptions<NotificationOptions> options) : IJobHandler
{
    public const string Kind = "notification.route";

    public const int BatchSize = 200;

    public sealed record Payload(Guid EventId);

    /// <summary>One event to one recipient on one channel, before throttling decides.</summary>
    private sealed record Plan(
        NotificationEvent Event, NotificationChannel Channel, string RecipientKey, string Recipient, Guid? UserId, Guid? EndpointId, NotificationSchedule Schedule, string ThrottleKey);

    /// <summary>A delivery identical events fold into: one from before this batch (counted in the database) or one made in it.</summary>
    private sealed record Leader(Guid Id, NotificationDelivery? Made);

    private const int Tries = 4;

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var tenantId = run.Job.TenantId ?? throw new PermanentJobFailureException("A routing job needs a tenant.");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.InTransactionAsync(() => RouteBatchAsync(tenantId, run.Job.Id, cancellationToken), cancellationToken);
            }
            catch (DbUpdateException) when (attempt < Tries)
            {
                // Another router made the same throttle leader or digest first, or (SQLite) took the
                // same events: start again; what it routed is no longer unrouted.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<string?> RouteBatchAsync(Guid tenantId, Guid ownJobId, CancellationToken cancellationToken)
    {
        var ids = await UnroutedEvents.TakeAsync(db, tenantId, BatchSize, cancellationToken);
        if (ids.Count == 0)
        {
            return null;
        }

        var events = await db.NotificationEvents.Where(e => ids.Contains(e.Id)).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, cancellationToken);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var rules = await db.NotificationRules.AsNoTracking().ToDictionaryAsync(r => (r.UserId, r.EventType), cancellationToken);
        var schedules = await db.NotificationSchedules.AsNoTracking().ToDictionaryAsync(s => s.UserId, cancellationToken);
        var tenantSchedule = schedules.GetValueOrDefault(Guid.Empty) ?? NotificationSchedule.DefaultFor(tenant.Id);
        var recipients = await NotificationRecipients.OfAsync(db, tenant, cancellationToken);
        var endpoints = await db.NotificationEndpoints.AsNoTracking().Where(e => e.Enabled).OrderBy(e => e.Id).ToListAsync(cancellationToken);

        var plans = new List<Plan>();
        foreach (var notification in events)
        {
            var tenantRule = rules.GetValueOrDefault((Guid.Empty, notification.Type)) ?? NotificationDefaults.RuleFor(notification.Type);
            foreach (var user in recipients)
            {
                var rule = rules.GetValueOrDefault((user.UserId, notification.Type)) ?? tenantRule;
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

            foreach (var endpoint in endpoints.Where(e => e.Wants(notification)))
            {
                plans.Add(PlanFor(notification, endpoint.Kind, $"endpoint:{endpoint.Id}", endpoint.Name, null, endpoint.Id, tenantSchedule));
            }
        }

        var leaders = await LeadersAsync(plans, now, cancellationToken);
        var foldsIntoEarlier = new Dictionary<Guid, (int Count, bool Unread)>();
        var digests = new Dictionary<string, Guid?>();
        foreach (var plan in plans)
        {
            var window = plan.Schedule.ThrottleMinutes;
            var leaderKey = window > 0 ? $"t:{plan.ThrottleKey}:{WindowStart(now, window).ToUnixTimeSeconds()}" : null;
            if (leaderKey is not null && leaders.TryGetValue(leaderKey, out var leader))
            {
                var folded = NewDelivery(plan, $"e:{plan.Event.Id}:{plan.RecipientKey}:{plan.Channel}", DeliveryStatus.Folded, now);
                folded.FoldedIntoId = leader.Id;
                db.NotificationDeliveries.Add(folded);
                if (leader.Made is { } made)
                {
                    made.FoldedCount++;
                }
                else
                {
                    var (count, _) = foldsIntoEarlier.GetValueOrDefault(leader.Id);
                    foldsIntoEarlier[leader.Id] = (count + 1, plan.Channel == NotificationChannel.InApp);
                }

                continue;
            }

            var delivery = await DeliverAsync(plan, leaderKey ?? $"e:{plan.Event.Id}:{plan.RecipientKey}:{plan.Channel}", zone, now, digests, cancellationToken);
            if (leaderKey is not null)
            {
                leaders[leaderKey] = new Leader(delivery.Id, delivery);
            }
        }

        // Counted in the database, so concurrent routers fold into one leader; an in-app leader shows as unread again.
        foreach (var (leaderId, (count, unread)) in foldsIntoEarlier)
        {
            await db.NotificationDeliveries.Where(d => d.Id == leaderId).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.FoldedCount, d => d.FoldedCount + count).SetProperty(d => d.ReadAt, d => unread ? null : d.ReadAt), cancellationToken);
        }

        foreach (var notification in events)
        {
            notification.RoutedAt = now;
        }

        await jobs.DischargeAsync([.. events.Select(e => e.RouteJobId).Where(id => id != ownJobId)], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return $"{{\"events\":{events.Count},\"deliveries\":{plans.Count}}}";
    }

    /// <summary>Deliveries still open to folding that the batch's identical events may fold into, by leader key.</summary>
    private async Task<Dictionary<string, Leader>> LeadersAsync(List<Plan> plans, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var throttleKeys = plans.Where(p => p.Schedule.ThrottleMinutes > 0).Select(p => p.ThrottleKey).Distinct().ToList();
        if (throttleKeys.Count == 0)
        {
            return [];
        }

        var oldestWindow = now.AddMinutes(-NotificationSchedule.MaxThrottleMinutes);
        return await db.NotificationDeliveries.AsNoTracking()
            .Where(d => throttleKeys.Contains(d.ThrottleKey) && d.FoldedIntoId == null && d.CreatedAt >= oldestWindow && d.DedupeKey.StartsWith("t:"))
            .ToDictionaryAsync(d => d.DedupeKey, d => new Leader(d.Id, null), cancellationToken);
    }

    private static Plan PlanFor(NotificationEvent e, NotificationChannel channel, string recipientKey, string recipient, Guid? userId, Guid? endpointId, NotificationSchedule schedule) =>
        new(e, channel, recipientKey, recipient, userId, endpointId, schedule, ThrottleKeyOf(e, recipientKey, channel));

    /// <summary>Identical events (same type and fingerprint) to the same recipient on the same channel.</summary>
    private static string ThrottleKeyOf(NotificationEvent e, string recipientKey, NotificationChannel channel) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{e.Type}\n{e.Fingerprint}\n{recipientKey}\n{channel}")))[..32];

    /// <summary>Throttle windows are fixed, aligned to multiples of their length since the epoch.</summary>
    private static DateTimeOffset WindowStart(DateTimeOffset now, int minutes)
    {
        var length = TimeSpan.FromMinutes(minutes).Ticks;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % length), TimeSpan.Zero);
    }

    /// <summary>The delivery of a plan that does not fold: stored in the inbox, put in a digest, or queued for its job.</summary>
    private async Task<NotificationDelivery> DeliverAsync(Plan plan, string dedupeKey, TimeZoneInfo zone, DateTimeOffset now, Dictionary<string, Guid?> digests, CancellationToken cancellationToken)
    {
        var e = plan.Event;
        if (plan.Channel == NotificationChannel.InApp)
        {
            // Storing it is delivering it: the inbox reads these rows.
            var stored = NewDelivery(plan, dedupeKey, DeliveryStatus.Delivered, now);
            stored.Attempts = 1;
            stored.DeliveredAt = now;
            db.NotificationDeliveries.Add(stored);
            db.NotificationAttempts.Add(NotificationLedger.Attempt(stored, AttemptOutcome.Delivered, "Stored in the inbox.", now, now));
            return stored;
        }

        var isUserEmail = plan.Channel == NotificationChannel.Email;
        if (isUserEmail && plan.Schedule.Digest != DigestMode.Immediate && e.Severity < NotificationSeverity.Critical
            && await DigestForAsync(plan, zone, now, digests, cancellationToken) is { } digestId)
        {
            var member = NewDelivery(plan, dedupeKey, DeliveryStatus.InDigest, now);
            member.DigestId = digestId;
            db.NotificationDeliveries.Add(member);
            return member;
        }

        var delivery = NewDelivery(plan, dedupeKey, DeliveryStatus.Pending, now);
        delivery.DueAt = isUserEmail ? plan.Schedule.ReleaseTime(now, zone, e.Severity) : now;
        db.NotificationDeliveries.Add(delivery);
        jobs.Enqueue(NotificationDeliverer.Kind, e.TenantId, new NotificationDeliverer.Payload(delivery.Id), delivery.DueAt, maxAttempts: options.Value.MaxAttempts);
        return delivery;
    }

    /// <summary>
    /// The digest the recipient's email waits in: the one for the current window, made (with its job)
    /// by the first member; null when that digest has already gone out, and the email goes on its own.
    /// </summary>
    private async Task<Guid?> DigestForAsync(Plan plan, TimeZoneInfo zone, DateTimeOffset now, Dictionary<string, Guid?> digests, CancellationToken cancellationToken)
    {
        var windowEnd = plan.Schedule.DigestWindowEnd(now, zone);
        var key = $"d:{plan.RecipientKey}:{plan.Channel}:{windowEnd.ToUnixTimeSeconds()}";
        if (digests.TryGetValue(key, out var known))
        {
            return known;
        }

        if (await db.NotificationDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.DedupeKey == key, cancellationToken) is { } existing)
        {
            return digests[key] = existing.Status == DeliveryStatus.Pending ? existing.Id : null;
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
        return digests[key] = digest.Id;
    }

    private static NotificationDelivery NewDelivery(Plan plan, string dedupeKey, DeliveryStatus status, DateTimeOffset now) => new()
    {
        TenantId = plan.Event.TenantId,
        EventId = plan.Event.Id,
        EventType = plan.Event.Type,
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
