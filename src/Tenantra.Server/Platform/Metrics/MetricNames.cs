namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// Name rules for metrics and labels: Prometheus' syntax, narrowed to what <c>promtool check metrics</c>
/// accepts without lint (snake_case, no colons, which are reserved for recording rules, no reserved
/// suffixes on the wrong type), so that a bad name fails at startup rather than at scrape review.
/// </summary>
internal static class MetricNames
{
    public const string CounterSuffix = "_total";

    private static readonly string[] s_histogramSampleSuffixes = ["_bucket", "_sum", "_count"];

    private static readonly string[] s_typeWords = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>Label names a client may not use: <c>le</c> belongs to histogram buckets and <c>quantile</c> to summaries.</summary>
    private static readonly string[] s_reservedLabelNames = ["le", "quantile"];

    public static string CounterName(string name)
    {
        var full = name.EndsWith(CounterSuffix, StringComparison.Ordinal) ? name : name + CounterSuffix;
        ValidateMetricName(full);
        return full;
    }

    public static string NonCounterName(string name)
    {
        ValidateMetricName(name);
        if (name.EndsWith(CounterSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metric name '{name}' ends in '{CounterSuffix}', which is reserved for counters.", nameof(name));
        }

        foreach (var suffix in s_histogramSampleSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metric name '{name}' ends in '{suffix}', which is reserved for histogram samples.", nameof(name));
            }
        }

        return name;
    }

    public static string[] LabelNames(IReadOnlyList<string> labelNames)
    {
        var copy = new string[labelNames.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var label = labelNames[i];
            if (!IsSnakeCase(label))
            {
                throw new ArgumentException($"Label name '{label}' is not snake_case ([a-z_][a-z0-9_]*).", nameof(labelNames));
            }

            if (label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Label name '{label}' starts with '__', which is reserved for Prometheus.", nameof(labelNames));
            }

            if (Array.IndexOf(s_reservedLabelNames, label) >= 0)
            {
                throw new ArgumentException($"Label name '{label}' is reserved.", nameof(labelNames));
            }

            if (Array.IndexOf(copy, label, 0, i) >= 0)
            {
                throw new ArgumentException($"Label name '{label}' is given twice.", nameof(labelNames));
            }

            copy[i] = label;
        }

        return copy;
    }

    public static string Help(string help)
    {
        if (string.IsNullOrWhiteSpace(help))
        {
            throw new ArgumentException("Every metric needs help text.", nameof(help));
        }

        return help;
    }

    private static void ValidateMetricName(string name)
    {
        if (!IsSnakeCase(name) || name.StartsWith("__", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metric name '{name}' is not snake_case ([a-z_][a-z0-9_]*, no leading '__').", nameof(name));
        }

        foreach (var word in s_typeWords)
        {
            if (name.EndsWith("_" + word, StringComparison.Ordinal) || name.Contains("_" + word + "_", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metric name '{name}' names its type '{word}'; the TYPE line already says it.", nameof(name));
            }
        }
    }

    private static bool IsSnakeCase(string value)
    {
        if (value.Length == 0 || char.IsAsciiDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
