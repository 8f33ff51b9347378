namespace Tenantra.Core.Notifications;

public enum DeliveryStatus
{
    /// <summary>Waiting for its time (quiet hours, a digest window) or for its next attempt.</summary>
    Pending = 0,
    Delivered = 1,

    /// <summary>Every attempt failed: a dead letter, shown in the ledger.</summary>
    Dead = 2,

    /// <summary>An identical event was delivered to the same recipient within the throttle window; counted there.</summary>
    Folded = 3,

    /// <summary>Waits in a digest (<see cref="NotificationDelivery.DigestId"/>), sent with it.</summary>
    InDigest = 4,
}

/// <summary>
/// One event (or one digest) to one recipient on one channel. Its id is the idempotency key sent
/// with every attempt (the webhook id, an email header), so a receiver can drop repeats of an
/// at-least-once delivery. <see cref="DedupeKey"/> is unique, so routing an event twice adds nothing.
/// </summary>
public sealed class NotificationDelivery : ITenantScoped
{
    public const int MaxRecipientLength = 320;

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The event delivered; null for a digest, whose events are the deliveries pointing at it.</summary>
    public Guid? EventId { get; init; }
    public required string EventType { get; init; }
    public NotificationChannel Channel { get; init; }
    public Guid? RecipientUserId { get; init; }
    public Guid? EndpointId { get; init; }

    /// <summary>Who or what it went to, as shown in the ledger: an email address, a user's name, an endpoint's name.</summary>
    public required string Recipient { get; init; }
    public required string DedupeKey { get; init; }

    /// <summary>Identical events to this recipient and channel share it; see <see cref="DeliveryStatus.Folded"/>.</summary>
    public required string ThrottleKey { get; init; }
    public DeliveryStatus Status { get; set; }

    /// <summary>How many identical events were folded into this one after it.</summary>
    public int FoldedCount { get; set; }
    public Guid? FoldedIntoId { get; set; }
    public Guid? DigestId { get; set; }

    /// <summary>For a digest: when its window closes (the key its members find it by).</summary>
    public DateTimeOffset? DigestWindowEnd { get; init; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>For the in-app inbox: when the user read it.</summary>
    public DateTimeOffset? ReadAt { get; set; }
}
