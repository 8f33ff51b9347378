using Tenantra.Core.Notifications;

namespace Tenantra.Core.Tests.Notifications;

public sealed class NotificationScheduleTests
{
    private static readonly TimeZoneInfo s_berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static NotificationSchedule Quiet(string start, string end, bool bypass = true) => new()
    {
        TenantId = Guid.NewGuid(),
        QuietHoursStart = TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        QuietHoursEnd = TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
        CriticalBypassesQuietHours = bypass,
    };

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    // Overnight quiet hours 22:00–07:00 Berlin (UTC+1 in November).
    [InlineData(11, 22, 20, 30, 11, 22, 20, 30)] // 21:30 local: not quiet, at once
    [InlineData(11, 22, 21, 0, 11, 23, 6, 0)] // 22:00 local: quiet until 07:00 next morning
    [InlineData(11, 22, 23, 15, 11, 23, 6, 0)] // 00:15 local (next day): until 07:00 that day
    [InlineData(11, 23, 5, 59, 11, 23, 6, 0)] // 06:59 local
    [InlineData(11, 23, 6, 0, 11, 23, 6, 0)] // 07:00 local: over
    public void Overnight_quiet_hours_hold_until_their_end_in_the_tenants_zone(int m, int d, int h, int min, int em, int ed, int eh, int emin) =>
        Assert.Equal(Utc(em, ed, eh, emin), Quiet("22:00", "07:00").ReleaseTime(Utc(m, d, h, min), s_berlin, NotificationSeverity.High));

    [Fact]
    public void Same_day_quiet_hours_hold_until_their_end()
    {
        var lunch = Quiet("12:00", "13:30");
        Assert.Equal(Utc(11, 22, 12, 30), lunch.ReleaseTime(Utc(11, 22, 11, 15), s_berlin, NotificationSeverity.Low)); // 12:15 local
        Assert.Equal(Utc(11, 22, 10, 59), lunch.ReleaseTime(Utc(11, 22, 10, 59), s_berlin, NotificationSeverity.Low)); // 11:59 local
    }

    [Fact]
    public void Critical_goes_through_unless_the_bypass_is_off()
    {
        var now = Utc(11, 22, 23, 0);
        Assert.Equal(now, Quiet("22:00", "07:00").ReleaseTime(now, s_berlin, NotificationSeverity.Critical));
        Assert.Equal(Utc(11, 23, 6, 0), Quiet("22:00", "07:00", bypass: false).ReleaseTime(now, s_berlin, NotificationSeverity.Critical));
    }

    [Fact]
    public void An_end_that_the_spring_forward_skips_resolves_to_the_first_valid_time()
    {
        // 29 March 2026: Berlin clocks go from 02:00 to 03:00. Quiet hours ending 02:30 end at 03:00 local = 01:00 UTC.
        var released = Quiet("23:00", "02:30").ReleaseTime(Utc(3, 28, 23, 30), s_berlin, NotificationSeverity.Medium);
        Assert.Equal(Utc(3, 29, 1, 0), released);
        Assert.Equal(TimeSpan.Zero, released.Offset);
    }

    [Fact]
    public void Without_quiet_hours_everything_goes_at_once()
    {
        var now = Utc(11, 22, 23, 0);
        Assert.Equal(now, new NotificationSchedule { TenantId = Guid.NewGuid() }.ReleaseTime(now, s_berlin, NotificationSeverity.Info));
    }

    [Fact]
    public void Digest_windows_end_on_the_hour_or_at_local_midnight()
    {
        var hourly = new NotificationSchedule { TenantId = Guid.NewGuid(), Digest = DigestMode.Hourly };
        Assert.Equal(Utc(11, 22, 11, 0), hourly.DigestWindowEnd(Utc(11, 22, 10, 5), s_berlin));
        var daily = new NotificationSchedule { TenantId = Guid.NewGuid(), Digest = DigestMode.Daily };
        Assert.Equal(Utc(11, 22, 23, 0), daily.DigestWindowEnd(Utc(11, 22, 10, 5), s_berlin)); // midnight Berlin
        Assert.Equal(Utc(11, 23, 23, 0), daily.DigestWindowEnd(Utc(11, 22, 23, 0), s_berlin));
    }
}
