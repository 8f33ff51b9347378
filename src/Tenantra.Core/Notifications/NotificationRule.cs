namespace Tenantra.Core.Notifications;

/// <summary>
/// Which of a user's channels an event type goes to, from which severity up. Rows with
/// <see cref="UserId"/> = <see cref="Guid.Empty"/> are the tenant's defaults; a user's own row for
/// an event type replaces the default for that type.
/// </summary>
public sealed class NotificationRule : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid UserId { get; init; }
    public required string EventType { get; init; }
    public UserChannels Channels { get; set; }
    public NotificationSeverity MinSeverity { get; set; }
}
