namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// A value that goes up and down, set by the application. Without labels, use the methods on the
/// gauge itself; with labels, get the series with <see cref="WithLabels"/>. For a value read at
/// scrape time instead, see <see cref="CallbackGauge"/>.
/// </summary>
public sealed class Gauge : Metric
{
    private readonly SeriesSet<GaugeSeries> _series;
    private readonly GaugeSeries? _unlabelled;

    internal Gauge(string name, string help, string[] labelNames)
        : base(name, help, labelNames)
    {
        _series = new SeriesSet<GaugeSeries>(name, labelNames.Length, values => new GaugeSeries(values));
        _unlabelled = labelNames.Length == 0 ? _series.Get([]) : null;
    }

    internal override string TypeName => "gauge";

    /// <exception cref="InvalidOperationException">The gauge has labels.</exception>
    public void Set(double value) => Unlabelled().Set(value);

    /// <exception cref="InvalidOperationException">The gauge has labels.</exception>
    public void Inc(double amount = 1) => Unlabelled().Inc(amount);

    /// <exception cref="InvalidOperationException">The gauge has labels.</exception>
    public void Dec(double amount = 1) => Unlabelled().Dec(amount);

    /// <summary>The series for these label values, in the order of <see cref="Metric.LabelNames"/>; created on first use at 0.</summary>
    public GaugeSeries WithLabels(params ReadOnlySpan<string> labelValues) => _series.Get(labelValues);

    internal override void WriteSamples(PrometheusTextWriter writer)
    {
        foreach (var series in _series.Snapshot)
        {
            writer.WriteSample(Name, LabelNameArray, series.LabelValues, series.Value);
        }
    }

    private GaugeSeries Unlabelled() =>
        _unlabelled ?? throw new InvalidOperationException($"Gauge '{Name}' has labels; call WithLabels first.");
}

/// <summary>One labelled series of a <see cref="Gauge"/>; safe to use from any thread.</summary>
public sealed class GaugeSeries
{
    private double _value;

    internal GaugeSeries(string[] labelValues) => LabelValues = labelValues;

    public double Value => Volatile.Read(ref _value);

    internal string[] LabelValues { get; }

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Inc(double amount = 1) => AtomicDouble.Add(ref _value, amount);

    public void Dec(double amount = 1) => AtomicDouble.Add(ref _value, -amount);
}
