namespace Tenantra.Core.Notifications;

/// <summary>How much an event matters, lowest first: preferences name the least severity they want.</summary>
public enum NotificationSeverity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
