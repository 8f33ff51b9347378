namespace Tenantra.Core.Notifications;

public enum AttemptOutcome
{
    Delivered = 0,

    /// <summary>Failed; another attempt follows after a backoff.</summary>
    Failed = 1,

    /// <summary>Failed and it was the last attempt: the delivery is dead.</summary>
    Dead = 2,
}

/// <summary>
/// One line of the delivery ledger: one attempt to deliver, with what the provider answered.
/// Written after the attempt, in the same transaction as the delivery's new status.
/// </summary>
public sealed class NotificationAttempt : ITenantScoped
{
    public const int MaxResponseLength = 500;

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid DeliveryId { get; init; }

    /// <summary>The originating event; null for a digest.</summary>
    public Guid? EventId { get; init; }
    public required string EventType { get; init; }
    public NotificationChannel Channel { get; init; }
    public required string Recipient { get; init; }
    public int Attempt { get; init; }
    public AttemptOutcome Outcome { get; init; }

    /// <summary>The provider's answer: an HTTP status and the start of its body, an SMTP reply, an error.</summary>
    public required string Response { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
}
