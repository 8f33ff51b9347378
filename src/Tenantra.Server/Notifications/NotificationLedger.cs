using Tenantra.Core.Notifications;

namespace Tenantra.Server.Notifications;

/// <summary>Writes lines of the delivery ledger.</summary>
public static class NotificationLedger
{
    public static NotificationAttempt Attempt(NotificationDelivery delivery, AttemptOutcome outcome, string response, DateTimeOffset startedAt, DateTimeOffset finishedAt) => new()
    {
        TenantId = delivery.TenantId,
        DeliveryId = delivery.Id,
        EventId = delivery.EventId,
        EventType = delivery.EventType,
        Channel = delivery.Channel,
        Recipient = delivery.Recipient,
        Attempt = delivery.Attempts,
        Outcome = outcome,
        Response = response.Length <= NotificationAttempt.MaxResponseLength ? response : response[..NotificationAttempt.MaxResponseLength],
        StartedAt = startedAt,
        FinishedAt = finishedAt,
    };
}
