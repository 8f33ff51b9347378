using System.Collections.Concurrent;

namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// The series of one metric, one per distinct tuple of label values. Finding an existing series
/// allocates nothing (the lookup takes the caller's span of values); creating one takes a lock and
/// copies the values. Series are never removed, so label values must come from a bounded set.
/// </summary>
internal sealed class SeriesSet<TSeries>
    where TSeries : class
{
    private readonly string _metricName;
    private readonly int _labelCount;
    private readonly Func<string[], TSeries> _create;
    private readonly ConcurrentDictionary<string[], TSeries> _byValues;
    private readonly ConcurrentDictionary<string[], TSeries>.AlternateLookup<ReadOnlySpan<string>> _lookup;
    private readonly Lock _gate = new();
    private TSeries[] _inCreationOrder = [];

    public SeriesSet(string metricName, int labelCount, Func<string[], TSeries> create)
    {
        _metricName = metricName;
        _labelCount = labelCount;
        _create = create;
        _byValues = new ConcurrentDictionary<string[], TSeries>(LabelValuesComparer.Instance);
        _lookup = _byValues.GetAlternateLookup<ReadOnlySpan<string>>();
    }

    /// <summary>Every series created so far, oldest first; a stable snapshot the caller may enumerate freely.</summary>
    public ReadOnlySpan<TSeries> Snapshot => Volatile.Read(ref _inCreationOrder);

    public TSeries Get(ReadOnlySpan<string> labelValues) =>
        _lookup.TryGetValue(labelValues, out var series) ? series : Create(labelValues);

    private TSeries Create(ReadOnlySpan<string> labelValues)
    {
        if (labelValues.Length != _labelCount)
        {
            throw new ArgumentException(
                $"Metric '{_metricName}' has {_labelCount} label(s) but was given {labelValues.Length} value(s).",
                nameof(labelValues));
        }

        foreach (var value in labelValues)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(labelValues));
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(labelValues, out var existing))
            {
                return existing;
            }

            var key = labelValues.ToArray();
            var series = _create(key);
            _byValues[key] = series;
            Volatile.Write(ref _inCreationOrder, [.. _inCreationOrder, series]);
            return series;
        }
    }

    private sealed class LabelValuesComparer : IEqualityComparer<string[]>, IAlternateEqualityComparer<ReadOnlySpan<string>, string[]>
    {
        public static readonly LabelValuesComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.AsSpan(), y));

        public int GetHashCode(string[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<string> alternate, string[] other)
        {
            if (alternate.Length != other.Length)
            {
                return false;
            }

            for (var i = 0; i < alternate.Length; i++)
            {
                if (!string.Equals(alternate[i], other[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(ReadOnlySpan<string> alternate)
        {
            var hash = default(HashCode);
            foreach (var value in alternate)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }

        public string[] Create(ReadOnlySpan<string> alternate) => alternate.ToArray();
    }
}
