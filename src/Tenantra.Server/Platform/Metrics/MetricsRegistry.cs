namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// The process's metrics, one instance per host (a DI singleton). Metrics are created once, usually
/// at startup, and kept in fields; creating a second metric whose samples would share a name with an
/// existing one throws. Recording on a metric is lock-free; only creation takes a lock.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _sampleNames = new(StringComparer.Ordinal);
    private Metric[] _metrics = [];

    /// <summary>Every metric, ordered by name; a snapshot that later creations do not change.</summary>
    public IReadOnlyList<Metric> Metrics => Volatile.Read(ref _metrics);

    /// <summary>A counter; <paramref name="name"/> gets the <c>_total</c> suffix if it lacks it.</summary>
    public Counter CreateCounter(string name, string help, params string[] labelNames) =>
        Register(new Counter(MetricNames.CounterName(name), MetricNames.Help(help), MetricNames.LabelNames(labelNames)));

    public Gauge CreateGauge(string name, string help, params string[] labelNames) =>
        Register(new Gauge(MetricNames.NonCounterName(name), MetricNames.Help(help), MetricNames.LabelNames(labelNames)));

    /// <summary>A gauge read at scrape time; see <see cref="CallbackGauge"/> for what the callback must honour.</summary>
    public CallbackGauge CreateCallbackGauge(string name, string help, Func<double> observe) =>
        Register(new CallbackGauge(MetricNames.NonCounterName(name), MetricNames.Help(help), observe));

    /// <param name="name">The family name; samples are exposed as <c>name_bucket</c>, <c>name_sum</c> and <c>name_count</c>.</param>
    /// <param name="help">Help text shown on the <c># HELP</c> line.</param>
    /// <param name="upperBounds">Finite bucket bounds, strictly ascending; <c>+Inf</c> is implied.</param>
    /// <param name="labelNames">Label names, fixed for the histogram's life; <c>le</c> is reserved.</param>
    public Histogram CreateHistogram(string name, string help, IReadOnlyList<double> upperBounds, params string[] labelNames) =>
        Register(new Histogram(
            MetricNames.NonCounterName(name),
            MetricNames.Help(help),
            MetricNames.LabelNames(labelNames),
            Histogram.ValidateUpperBounds(upperBounds)));

    private TMetric Register<TMetric>(TMetric metric)
        where TMetric : Metric
    {
        lock (_gate)
        {
            foreach (var sampleName in metric.SampleNames)
            {
                if (_sampleNames.Contains(sampleName))
                {
                    throw new InvalidOperationException($"A metric already exposes samples named '{sampleName}'.");
                }
            }

            _sampleNames.UnionWith(metric.SampleNames);
            var metrics = new Metric[_metrics.Length + 1];
            var insertAt = 0;
            while (insertAt < _metrics.Length && string.CompareOrdinal(_metrics[insertAt].Name, metric.Name) < 0)
            {
                insertAt++;
            }

            _metrics.AsSpan(0, insertAt).CopyTo(metrics);
            metrics[insertAt] = metric;
            _metrics.AsSpan(insertAt).CopyTo(metrics.AsSpan(insertAt + 1));
            Volatile.Write(ref _metrics, metrics);
            return metric;
        }
    }
}
