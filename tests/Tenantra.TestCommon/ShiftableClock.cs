namespace Tenantra.TestCommon;

/// <summary>The system clock moved by <see cref="Shift"/>: for tests of expiry, skew, schedules and quiet hours.</summary>
public sealed class ShiftableClock : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;

    /// <summary>Makes "now" <paramref name="now"/> (the clock keeps running from there).</summary>
    public void Set(DateTimeOffset now) => Shift = now - base.GetUtcNow();
}
