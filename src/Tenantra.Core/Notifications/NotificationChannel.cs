namespace Tenantra.Core.Notifications;

/// <summary>Where a delivery goes: a user's inbox or mailbox, or one of the tenant's endpoints.</summary>
public enum NotificationChannel
{
    InApp = 0,
    Email = 1,
    Webhook = 2,
    Slack = 3,
    Teams = 4,
}

/// <summary>The channels a user chooses per event type (endpoints are subscribed on the endpoint).</summary>
[Flags]
public enum UserChannels
{
    None = 0,
    InApp = 1,
    Email = 2,
}
