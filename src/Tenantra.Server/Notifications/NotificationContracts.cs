using System.Globalization;
using Tenantra.Core.Notifications;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Notifications;

public sealed record EventTypeResponse(string Key, string Title, NotificationSeverity DefaultSeverity, string Description);

/// <summary>One event type's routing for a user: which of their channels, from which severity up.</summary>
public sealed record RuleBody(string? EventType, IReadOnlyList<string>? Channels, NotificationSeverity? MinSeverity);

/// <summary>
/// A set of preferences: the tenant's defaults or one user's own. <c>quietHoursStart</c>/<c>End</c>
/// are local times (HH:mm) in the tenant's time zone; both or neither. A user who sets
/// <c>useTenantSchedule</c> keeps following the tenant's schedule and leaves the schedule fields out.
/// </summary>
public sealed record PreferencesBody(
    IReadOnlyList<RuleBody>? Rules, DigestMode? Digest, string? QuietHoursStart, string? QuietHoursEnd, bool? CriticalBypassesQuietHours, int? ThrottleMinutes,
    bool? UseTenantSchedule = null)
    : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Rules is null)
        {
            errors.Add("rules", "is required (one entry per event type you set; others use the defaults).");
        }
        else if (Rules.Count > NotificationCatalog.All.Count)
        {
            errors.Add("rules", $"must have at most {NotificationCatalog.All.Count} entries, one per event type.");
        }
        else
        {
            for (var i = 0; i < Rules.Count; i++)
            {
                var rule = Rules[i];
                if (rule.EventType is null || NotificationCatalog.Find(rule.EventType) is null)
                {
                    errors.Add($"rules[{i}].eventType", $"must be one of {string.Join(", ", NotificationCatalog.All.Select(t => t.Key))}.");
                }
                else if (Rules.Take(i).Any(r => r.EventType == rule.EventType))
                {
                    errors.Add($"rules[{i}].eventType", "is listed twice.");
                }

                if (rule.Channels is null || rule.Channels.Count > 2 || rule.Channels.Any(c => c is not ("inApp" or "email")))
                {
                    errors.Add($"rules[{i}].channels", "must list inApp and/or email (or nothing, to mute).");
                }

                errors.Defined($"rules[{i}].minSeverity", rule.MinSeverity);
            }
        }

        if (UseTenantSchedule == true)
        {
            foreach (var (field, value) in new (string, object?)[]
            {
                ("digest", Digest), ("quietHoursStart", QuietHoursStart), ("quietHoursEnd", QuietHoursEnd),
                ("criticalBypassesQuietHours", CriticalBypassesQuietHours), ("throttleMinutes", ThrottleMinutes),
            })
            {
                if (value is not null)
                {
                    errors.Add(field, "must be left out when useTenantSchedule is true.");
                }
            }

            return;
        }

        errors.Defined("digest", Digest);
        var start = ParseTime(errors, "quietHoursStart", QuietHoursStart);
        var end = ParseTime(errors, "quietHoursEnd", QuietHoursEnd);
        if ((QuietHoursStart is null) != (QuietHoursEnd is null))
        {
            errors.Add(QuietHoursStart is null ? "quietHoursStart" : "quietHoursEnd", "must be given with the other end of the quiet hours.");
        }
        else if (start is not null && start == end)
        {
            errors.Add("quietHoursEnd", "must differ from the start.");
        }

        if (CriticalBypassesQuietHours is null)
        {
            errors.Add("criticalBypassesQuietHours", "is required.");
        }

        if (ThrottleMinutes is null or < 0 or > NotificationSchedule.MaxThrottleMinutes)
        {
            errors.Add("throttleMinutes", $"must be between 0 (off) and {NotificationSchedule.MaxThrottleMinutes}.");
        }
    }

    public static TimeOnly? ParseTime(ValidationErrors? errors, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length == 5 && TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors?.Add(field, "must be a time of day as HH:mm, e.g. 22:00.");
        return null;
    }

    public static UserChannels ChannelsOf(IReadOnlyList<string> channels) =>
        (channels.Contains("inApp") ? UserChannels.InApp : UserChannels.None) | (channels.Contains("email") ? UserChannels.Email : UserChannels.None);
}

public sealed record RuleResponse(string EventType, IReadOnlyList<string> Channels, NotificationSeverity MinSeverity, bool Inherited);

/// <summary>Effective preferences; for a user, <c>usesTenantSchedule</c> and each rule's <c>inherited</c> say what comes from the tenant.</summary>
public sealed record PreferencesResponse(
    Guid? UserId, IReadOnlyList<RuleResponse> Rules, DigestMode Digest, string? QuietHoursStart, string? QuietHoursEnd, bool CriticalBypassesQuietHours,
    int ThrottleMinutes, bool UsesTenantSchedule, string TimeZone);

public sealed record InboxItemResponse(
    Guid Id, Guid EventId, string EventType, NotificationSeverity Severity, string Title, string? Link, IReadOnlyDictionary<string, string> Facts,
    DateTimeOffset OccurredAt, int FoldedCount, bool Read);

public sealed record UnreadCountResponse(int Unread);

public sealed record MarkedResponse(int Marked);

public sealed record PublishTestRequest(NotificationSeverity? Severity, string? Title) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Severity is not null)
        {
            errors.Defined("severity", Severity);
        }

        errors.MaxLength("title", Title, NotificationEvent.MaxTitleLength);
    }
}

public sealed record PublishedResponse(Guid EventId, string Type, NotificationSeverity Severity);
