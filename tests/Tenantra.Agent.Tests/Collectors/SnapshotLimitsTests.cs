using Tenantra.Agent.Collectors;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors;

public sealed class SnapshotLimitsTests
{
    [Fact]
    public void A_key_that_fits_is_unchanged() => Assert.Equal("/etc/crontab:@reboot root x", SnapshotLimits.FitKey("/etc/crontab:@reboot root x"));

    [Fact]
    public void Long_keys_are_shortened_to_the_limit_and_stay_distinct_and_repeatable()
    {
        var first = new string('a', 2000) + "1";
        var second = new string('a', 2000) + "2";

        var fitted = SnapshotLimits.FitKey(first);

        Assert.Equal(SnapshotSchema.MaxKeyLength, fitted.Length);
        Assert.StartsWith(new string('a', 1000), fitted, StringComparison.Ordinal);
        Assert.Equal(fitted, SnapshotLimits.FitKey(first));
        Assert.NotEqual(fitted, SnapshotLimits.FitKey(second));
    }

    [Fact]
    public void Long_values_are_cut_to_the_limit_with_a_marker_and_never_split_a_surrogate_pair()
    {
        var value = new string('x', SnapshotSchema.MaxFieldValueLength - 14) + "😀" + new string('y', 100);

        var fitted = SnapshotLimits.FitValue(value);

        Assert.True(fitted.Length <= SnapshotSchema.MaxFieldValueLength);
        Assert.EndsWith("x …[truncated]", fitted, StringComparison.Ordinal);
        Assert.Equal("short", SnapshotLimits.FitValue("short"));
    }

    [Fact]
    public void Repeated_keys_are_numbered_in_order()
    {
        var used = new HashSet<string>();

        Assert.Equal(["k", "k #2", "other", "k #3"], new[] { "k", "k", "other", "k" }.Select(key => SnapshotLimits.DistinctKey(key, used)));
    }
}
