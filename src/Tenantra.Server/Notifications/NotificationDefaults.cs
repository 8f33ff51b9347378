using Tenantra.Core.Notifications;

namespace Tenantra.Server.Notifications;

/// <summary>What applies where a tenant has saved no preference.</summary>
public static class NotificationDefaults
{
    /// <summary>The event type recorded on a digest delivery (its events are its members).</summary>
    public const string DigestEventType = "digest";

    /// <summary>In the inbox and by email, from medium severity up.</summary>
    public static NotificationRule RuleFor(string eventType) =>
        new() { EventType = eventType, Channels = UserChannels.InApp | UserChannels.Email, MinSeverity = NotificationSeverity.Medium };
}
