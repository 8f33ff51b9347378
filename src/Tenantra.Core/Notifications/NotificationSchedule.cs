namespace Tenantra.Core.Notifications;

public enum DigestMode
{
    Immediate = 0,
    Hourly = 1,
    Daily = 2,
}

/// <summary>
/// When a user's email goes out: at once or gathered into digests, never in quiet hours (in the
/// tenant's time zone) unless critical and allowed through, with identical events folded within the
/// throttle window. <see cref="UserId"/> = <see cref="Guid.Empty"/> is the tenant's default; a
/// user's own schedule replaces it whole. Endpoints are throttled by the tenant's window only.
/// </summary>
public sealed class NotificationSchedule : ITenantScoped
{
    public const int MaxThrottleMinutes = 24 * 60;

    public Guid TenantId { get; init; }
    public Guid UserId { get; init; }
    public DigestMode Digest { get; set; }
    public TimeOnly? QuietHoursStart { get; set; }
    public TimeOnly? QuietHoursEnd { get; set; }
    public bool CriticalBypassesQuietHours { get; set; } = true;
    public int ThrottleMinutes { get; set; } = 15;

    /// <summary>Used when a tenant has saved no schedule.</summary>
    public static NotificationSchedule DefaultFor(Guid tenantId) => new() { TenantId = tenantId, UserId = Guid.Empty };

    /// <summary>
    /// When a message that is due at <paramref name="utc"/> may go out: at once outside quiet hours,
    /// otherwise at their end (local times that a DST change skips resolve forward). Always in UTC.
    /// </summary>
    public DateTimeOffset ReleaseTime(DateTimeOffset utc, TimeZoneInfo zone, NotificationSeverity severity)
    {
        if (QuietHoursStart is not { } start || QuietHoursEnd is not { } end || start == end
            || (severity == NotificationSeverity.Critical && CriticalBypassesQuietHours))
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet)
        {
            return utc;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (time >= end)
        {
            endDate = endDate.AddDays(1);
        }

        var endLocal = endDate.ToDateTime(end);
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(30);
        }

        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    /// <summary>The end (UTC) of the digest window that <paramref name="utc"/> falls in (hour or local day).</summary>
    public DateTimeOffset DigestWindowEnd(DateTimeOffset utc, TimeZoneInfo zone)
    {
        if (Digest == DigestMode.Hourly)
        {
            var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
            return hour.AddHours(1);
        }

        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var midnight = DateOnly.FromDateTime(local.DateTime).AddDays(1).ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
