namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// A monotonically increasing count, exposed with the <c>_total</c> suffix. Without labels, call
/// <see cref="Inc"/> on the counter itself; with labels, get the series with <see cref="WithLabels"/>
/// (cache it where the label values are fixed).
/// </summary>
public sealed class Counter : Metric
{
    private readonly SeriesSet<CounterSeries> _series;
    private readonly CounterSeries? _unlabelled;

    internal Counter(string name, string help, string[] labelNames)
        : base(name, help, labelNames)
    {
        _series = new SeriesSet<CounterSeries>(name, labelNames.Length, values => new CounterSeries(values));
        _unlabelled = labelNames.Length == 0 ? _series.Get([]) : null;
    }

    internal override string TypeName => "counter";

    /// <summary>Adds <paramref name="amount"/> to the counter that has no labels.</summary>
    /// <exception cref="InvalidOperationException">The counter has labels.</exception>
    public void Inc(double amount = 1) => Unlabelled().Inc(amount);

    /// <summary>The series for these label values, in the order of <see cref="Metric.LabelNames"/>; created on first use.</summary>
    public CounterSeries WithLabels(params ReadOnlySpan<string> labelValues) => _series.Get(labelValues);

    internal override void WriteSamples(PrometheusTextWriter writer)
    {
        foreach (var series in _series.Snapshot)
        {
            writer.WriteSample(Name, LabelNameArray, series.LabelValues, series.Value);
        }
    }

    private CounterSeries Unlabelled() =>
        _unlabelled ?? throw new InvalidOperationException($"Counter '{Name}' has labels; call WithLabels first.");
}

/// <summary>One labelled series of a <see cref="Counter"/>; safe to use from any thread.</summary>
public sealed class CounterSeries
{
    private double _value;

    internal CounterSeries(string[] labelValues) => LabelValues = labelValues;

    public double Value => Volatile.Read(ref _value);

    internal string[] LabelValues { get; }

    /// <summary>Adds <paramref name="amount"/>, which must be zero or more: counters only go up.</summary>
    public void Inc(double amount = 1)
    {
        if (!(amount >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A counter only goes up.");
        }

        AtomicDouble.Add(ref _value, amount);
    }
}
