using Tenantra.Core.Jobs;

namespace Tenantra.Core.Tests.Jobs;

public sealed class JobRetryTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(10, 2560)]
    [InlineData(11, 3600)]
    [InlineData(1000, 3600)]
    public void The_delay_doubles_per_attempt_up_to_an_hour_jittered_in_the_upper_half(int attempts, int ceilingSeconds)
    {
        var random = new Random(attempts);
        var delays = Enumerable.Range(0, 500).Select(_ => JobRetry.DelayAfter(attempts, random).TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, ceilingSeconds / 2.0, ceilingSeconds));
        // Spread over the half, not one value: retries of many jobs do not arrive together.
        Assert.True(delays.Max() - delays.Min() > ceilingSeconds * 0.4, $"spread {delays.Max() - delays.Min()} s");
    }
}
