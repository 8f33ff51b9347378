using System.Globalization;

namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// Observations counted into fixed buckets (upper bounds, inclusive), with their sum and count.
/// The <c>+Inf</c> bucket is implicit. Without labels, call <see cref="Observe"/> on the histogram
/// itself; with labels, get the series with <see cref="WithLabels"/>.
/// </summary>
public sealed class Histogram : Metric
{
    private const string InfinityBound = "+Inf";
    private readonly SeriesSet<HistogramSeries> _series;
    private readonly HistogramSeries? _unlabelled;
    private readonly double[] _upperBounds;
    private readonly string[] _boundLabels;

    internal Histogram(string name, string help, string[] labelNames, double[] upperBounds)
        : base(name, help, labelNames)
    {
        _upperBounds = upperBounds;
        _boundLabels = new string[upperBounds.Length + 1];
        for (var i = 0; i < upperBounds.Length; i++)
        {
            _boundLabels[i] = upperBounds[i].ToString(CultureInfo.InvariantCulture);
        }

        _boundLabels[^1] = InfinityBound;
        _series = new SeriesSet<HistogramSeries>(name, labelNames.Length, values => new HistogramSeries(values, _upperBounds));
        _unlabelled = labelNames.Length == 0 ? _series.Get([]) : null;
        BucketName = name + "_bucket";
        SumName = name + "_sum";
        CountName = name + "_count";
    }

    /// <summary>The finite upper bounds, ascending; <c>+Inf</c> is implied.</summary>
    public IReadOnlyList<double> UpperBounds => _upperBounds;

    internal override string TypeName => "histogram";

    internal override IEnumerable<string> SampleNames => [Name, BucketName, SumName, CountName];

    private string BucketName { get; }

    private string SumName { get; }

    private string CountName { get; }

    /// <exception cref="InvalidOperationException">The histogram has labels.</exception>
    public void Observe(double value) => Unlabelled().Observe(value);

    /// <summary>The series for these label values, in the order of <see cref="Metric.LabelNames"/>; created on first use.</summary>
    public HistogramSeries WithLabels(params ReadOnlySpan<string> labelValues) => _series.Get(labelValues);

    internal static double[] ValidateUpperBounds(IReadOnlyList<double> upperBounds)
    {
        if (upperBounds.Count == 0)
        {
            throw new ArgumentException("A histogram needs at least one finite bucket.", nameof(upperBounds));
        }

        var copy = new double[upperBounds.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var bound = upperBounds[i];
            if (!double.IsFinite(bound))
            {
                throw new ArgumentException($"Bucket bound {bound} is not finite; +Inf is implied.", nameof(upperBounds));
            }

            if (i > 0 && !(bound > copy[i - 1]))
            {
                throw new ArgumentException("Bucket bounds must be strictly ascending.", nameof(upperBounds));
            }

            copy[i] = bound;
        }

        return copy;
    }

    internal override void WriteSamples(PrometheusTextWriter writer)
    {
        foreach (var series in _series.Snapshot)
        {
            // The count is the +Inf bucket, so the two always agree even while observations land;
            // the sum is read separately and may be one observation ahead or behind.
            long cumulative = 0;
            for (var i = 0; i < _boundLabels.Length; i++)
            {
                cumulative += series.BucketCount(i);
                writer.WriteSample(BucketName, LabelNameArray, series.LabelValues, "le", _boundLabels[i], cumulative);
            }

            writer.WriteSample(SumName, LabelNameArray, series.LabelValues, series.Sum);
            writer.WriteSample(CountName, LabelNameArray, series.LabelValues, cumulative);
        }
    }

    private HistogramSeries Unlabelled() =>
        _unlabelled ?? throw new InvalidOperationException($"Histogram '{Name}' has labels; call WithLabels first.");
}

/// <summary>One labelled series of a <see cref="Histogram"/>; safe to use from any thread.</summary>
public sealed class HistogramSeries
{
    private readonly double[] _upperBounds;

    /// <summary>Per-bucket (not cumulative) counts; the last slot is for values above every bound.</summary>
    private readonly long[] _bucketCounts;
    private double _sum;

    internal HistogramSeries(string[] labelValues, double[] upperBounds)
    {
        LabelValues = labelValues;
        _upperBounds = upperBounds;
        _bucketCounts = new long[upperBounds.Length + 1];
    }

    public double Sum => Volatile.Read(ref _sum);

    public long Count
    {
        get
        {
            long count = 0;
            for (var i = 0; i < _bucketCounts.Length; i++)
            {
                count += BucketCount(i);
            }

            return count;
        }
    }

    internal string[] LabelValues { get; }

    /// <summary>Counts <paramref name="value"/> in the first bucket whose bound is at least it (NaN goes to +Inf).</summary>
    public void Observe(double value)
    {
        var bucket = 0;
        while (bucket < _upperBounds.Length && !(value <= _upperBounds[bucket]))
        {
            bucket++;
        }

        Interlocked.Increment(ref _bucketCounts[bucket]);
        AtomicDouble.Add(ref _sum, value);
    }

    internal long BucketCount(int bucket) => Interlocked.Read(ref _bucketCounts[bucket]);
}
