using Tenantra.Server.Identity;

namespace Tenantra.Server.IntegrationTests.Identity;

public sealed class ApiTokenUsageTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stale_token_is_recorded_once_per_minute()
    {
        var usage = new ApiTokenUsage();
        var token = Guid.NewGuid();

        Assert.True(usage.ShouldRecord(token, null, s_now));
        Assert.False(usage.ShouldRecord(token, null, s_now.AddSeconds(59)));
        Assert.True(usage.ShouldRecord(token, null, s_now.AddSeconds(61)));
        Assert.True(usage.ShouldRecord(Guid.NewGuid(), null, s_now.AddSeconds(1)));
    }

    [Fact]
    public void A_recently_stored_time_is_not_written_again()
    {
        Assert.False(new ApiTokenUsage().ShouldRecord(Guid.NewGuid(), s_now.AddSeconds(-30), s_now));
    }

    [Fact]
    public void Concurrent_requests_of_one_token_write_once()
    {
        var usage = new ApiTokenUsage();
        var token = Guid.NewGuid();
        var writes = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (usage.ShouldRecord(token, s_now.AddHours(-1), s_now))
            {
                Interlocked.Increment(ref writes);
            }
        });

        Assert.Equal(1, writes);
    }
}
