namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// A gauge without labels whose value is read at scrape time. The callback runs on the scraping
/// request's thread, possibly concurrently with itself: it must be cheap, thread-safe and must not throw.
/// </summary>
public sealed class CallbackGauge : Metric
{
    private static readonly string[] s_noLabels = [];
    private readonly Func<double> _observe;

    internal CallbackGauge(string name, string help, Func<double> observe)
        : base(name, help, s_noLabels)
    {
        _observe = observe;
    }

    internal override string TypeName => "gauge";

    /// <summary>The value the next scrape would see.</summary>
    public double Observe() => _observe();

    internal override void WriteSamples(PrometheusTextWriter writer) =>
        writer.WriteSample(Name, s_noLabels, s_noLabels, _observe());
}
