using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Makes one attempt at one delivery (job kind <see cref="Kind"/>): an email, a digest email, a
/// webhook, a Slack or Teams message. The attempt goes into the ledger with the delivery's new status
/// in one transaction; a failure is retried by the job queue with backoff, and the last failure — or
/// one no retry can mend (no SMTP relay, a deleted endpoint) — makes the delivery a dead letter. A delivery already delivered or dead is not sent again; one whose
/// worker died mid-send is sent again with the same idempotency key.
/// </summary>
public sealed class NotificationDeliverer(
    TenantraDbContext db, EmailSender email, HookSender hooks, TimeProvider clock, IOptions<NotificationOptions> options) : IJobHandler
{
    public const string Kind = "notification.deliver";

    public sealed record Payload(Guid DeliveryId);

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var deliveryId = run.Payload<Payload>().DeliveryId;
        var delivery = await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, cancellationToken)
            ?? throw new PermanentJobFailureException($"Delivery {deliveryId} does not exist.");
        if (delivery.Status != DeliveryStatus.Pending)
        {
            return $"{{\"status\":\"{delivery.Status}\"}}";
        }

        var members = delivery.EventId is null
            ? await db.NotificationDeliveries.Where(d => d.DigestId == delivery.Id && d.Status == DeliveryStatus.InDigest).OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken)
            : [];
        var startedAt = clock.GetUtcNow();
        var result = await SendAsync(delivery, members, cancellationToken);
        var finishedAt = clock.GetUtcNow();
        var last = run.Job.Attempts >= run.Job.MaxAttempts || result.Permanent;

        delivery.Attempts++;
        var outcome = result.Delivered ? AttemptOutcome.Delivered : last ? AttemptOutcome.Dead : AttemptOutcome.Failed;
        delivery.Status = outcome switch
        {
            AttemptOutcome.Delivered => DeliveryStatus.Delivered,
            AttemptOutcome.Dead => DeliveryStatus.Dead,
            _ => DeliveryStatus.Pending,
        };
        if (result.Delivered)
        {
            delivery.DeliveredAt = finishedAt;
        }

        foreach (var member in members)
        {
            member.Status = delivery.Status == DeliveryStatus.Pending ? DeliveryStatus.InDigest : delivery.Status;
            member.DeliveredAt = delivery.DeliveredAt;
        }

        db.NotificationAttempts.Add(NotificationLedger.Attempt(delivery, outcome, result.Response, startedAt, finishedAt));
        await db.SaveChangesAsync(cancellationToken);
        return outcome switch
        {
            AttemptOutcome.Delivered => null,
            AttemptOutcome.Dead => throw new PermanentJobFailureException($"Dead letter after {delivery.Attempts} attempts: {result.Response}"),
            _ => throw new DeliveryAttemptFailedException(result.Response),
        };
    }

    /// <summary>The worker died during the last attempt: the delivery is a dead letter, in the ledger like any other.</summary>
    public async Task DeadLetteredAsync(JobRun run, string reason, CancellationToken cancellationToken)
    {
        var deliveryId = run.Payload<Payload>().DeliveryId;
        if (await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.Status == DeliveryStatus.Pending, cancellationToken) is not { } delivery)
        {
            return;
        }

        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.Status = DeliveryStatus.Dead;
        foreach (var member in await db.NotificationDeliveries.Where(d => d.DigestId == delivery.Id && d.Status == DeliveryStatus.InDigest).ToListAsync(cancellationToken))
        {
            member.Status = DeliveryStatus.Dead;
        }

        db.NotificationAttempts.Add(NotificationLedger.Attempt(delivery, AttemptOutcome.Dead, reason, now, now));
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<DeliveryResult> SendAsync(NotificationDelivery delivery, List<NotificationDelivery> members, CancellationToken cancellationToken)
    {
        var eventIds = delivery.EventId is { } eventId ? [eventId] : members.Select(m => m.EventId!.Value).ToList();
        var events = await db.NotificationEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var folded = delivery.EventId is null ? members.ToDictionary(m => m.EventId!.Value, m => m.FoldedCount) : new() { [delivery.EventId.Value] = delivery.FoldedCount };
        var items = eventIds.Where(events.ContainsKey).Select(id => NotificationItem.Of(events[id], folded.GetValueOrDefault(id))).ToList();
        if (items.Count == 0)
        {
            return DeliveryResult.Ok("Nothing to send: the digest has no events.");
        }

        var tenantName = await db.Tenants.Where(t => t.Id == delivery.TenantId).Select(t => t.Name).FirstAsync(cancellationToken);
        var message = new NotificationMessage(delivery.Id, delivery.TenantId, tenantName, items, IsDigest: delivery.EventId is null, options.Value.ConsoleUrl);
        if (delivery.Channel == NotificationChannel.Email)
        {
            return await email.SendAsync(delivery.Recipient, message, cancellationToken);
        }

        var endpoint = await db.NotificationEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == delivery.EndpointId, cancellationToken);
        return endpoint is { Enabled: true }
            ? await hooks.SendAsync(endpoint, message, cancellationToken)
            : DeliveryResult.Refused(endpoint is null ? "The endpoint was deleted." : "The endpoint is disabled.");
    }
}

/// <summary>An attempt failed and another will follow (the ledger already has it).</summary>
public sealed class DeliveryAttemptFailedException(string response) : JobAttemptFailedException(response);
