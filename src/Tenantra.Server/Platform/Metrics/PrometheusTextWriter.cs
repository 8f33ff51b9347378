using System.Globalization;
using System.Text;

namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// Renders a <see cref="MetricsRegistry"/> in the Prometheus text exposition format 0.0.4: per family
/// a <c># HELP</c> and a <c># TYPE</c> line, then one line per sample, families ordered by name and
/// series in creation order. Lines end in <c>\n</c> whatever the platform.
/// </summary>
public sealed class PrometheusTextWriter
{
    /// <summary>The content type a scrape response carries.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly TextWriter _writer;

    private PrometheusTextWriter(TextWriter writer) => _writer = writer;

    /// <summary>Writes every metric of <paramref name="registry"/> to <paramref name="writer"/>.</summary>
    public static void Write(MetricsRegistry registry, TextWriter writer)
    {
        var exposition = new PrometheusTextWriter(writer);
        foreach (var metric in registry.Metrics)
        {
            exposition.WriteFamily(metric);
        }
    }

    /// <summary>The whole exposition as one string.</summary>
    public static string Render(MetricsRegistry registry)
    {
        var text = new StringBuilder(capacity: 4096);
        using var writer = new StringWriter(text, CultureInfo.InvariantCulture);
        Write(registry, writer);
        return text.ToString();
    }

    internal void WriteSample(string name, string[] labelNames, string[] labelValues, double value) =>
        WriteSample(name, labelNames, labelValues, extraLabelName: null, extraLabelValue: null, value);

    /// <summary>A sample line; <paramref name="extraLabelName"/>, when given, comes after the metric's own labels (used for <c>le</c>).</summary>
    internal void WriteSample(string name, string[] labelNames, string[] labelValues, string? extraLabelName, string? extraLabelValue, double value)
    {
        _writer.Write(name);
        if (labelNames.Length > 0 || extraLabelName is not null)
        {
            _writer.Write('{');
            for (var i = 0; i < labelNames.Length; i++)
            {
                if (i > 0)
                {
                    _writer.Write(',');
                }

                WriteLabel(labelNames[i], labelValues[i]);
            }

            if (extraLabelName is not null)
            {
                if (labelNames.Length > 0)
                {
                    _writer.Write(',');
                }

                WriteLabel(extraLabelName, extraLabelValue ?? string.Empty);
            }

            _writer.Write('}');
        }

        _writer.Write(' ');
        WriteValue(value);
        _writer.Write('\n');
    }

    private void WriteFamily(Metric metric)
    {
        _writer.Write("# HELP ");
        _writer.Write(metric.Name);
        _writer.Write(' ');
        WriteEscaped(metric.Help, escapeQuotes: false);
        _writer.Write('\n');
        _writer.Write("# TYPE ");
        _writer.Write(metric.Name);
        _writer.Write(' ');
        _writer.Write(metric.TypeName);
        _writer.Write('\n');
        metric.WriteSamples(this);
    }

    private void WriteLabel(string name, string value)
    {
        _writer.Write(name);
        _writer.Write("=\"");
        WriteEscaped(value, escapeQuotes: true);
        _writer.Write('"');
    }

    /// <summary>
    /// Backslash and line feed are escaped in help text and label values; the double quote only in
    /// label values, as the format asks. Runs of ordinary characters are written as one span.
    /// </summary>
    private void WriteEscaped(string value, bool escapeQuotes)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var escaped = value[i] switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '"' when escapeQuotes => "\\\"",
                _ => null,
            };
            if (escaped is null)
            {
                continue;
            }

            _writer.Write(value.AsSpan(start, i - start));
            _writer.Write(escaped);
            start = i + 1;
        }

        _writer.Write(value.AsSpan(start));
    }

    private void WriteValue(double value)
    {
        if (double.IsNaN(value))
        {
            _writer.Write("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            _writer.Write("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            _writer.Write("-Inf");
        }
        else
        {
            // Shortest round-trip form, at most 24 characters ("-1.7976931348623157E+308").
            Span<char> buffer = stackalloc char[32];
            value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
            _writer.Write(buffer[..written]);
        }
    }
}
