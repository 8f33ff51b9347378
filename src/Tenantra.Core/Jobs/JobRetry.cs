namespace Tenantra.Core.Jobs;

/// <summary>
/// When a failed job runs again: exponential backoff (5 s, 10 s, 20 s … capped at an hour; the first
/// delay is <c>Tenantra:Jobs:RetryFirstDelaySeconds</c>) with jitter in its upper half, so a receiver
/// that was down is not hit by every retry at once.
/// </summary>
public static class JobRetry
{
    public const int DefaultMaxAttempts = 8;

    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The delay before the attempt after <paramref name="attempts"/> failed ones (1 or more).</summary>
    public static TimeSpan DelayAfter(int attempts, Random random, TimeSpan? firstDelay = null)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min((firstDelay ?? FirstDelay).TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }
}
