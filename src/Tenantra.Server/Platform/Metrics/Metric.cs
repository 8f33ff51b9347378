namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// One metric family: a name, help text, the label names fixed at creation, and its series.
/// Created only through <see cref="MetricsRegistry"/>, which checks names against Prometheus' rules.
/// </summary>
public abstract class Metric
{
    private readonly string[] _labelNames;

    private protected Metric(string name, string help, string[] labelNames)
    {
        Name = name;
        Help = help;
        _labelNames = labelNames;
    }

    /// <summary>The family name as exposed, e.g. <c>tenantra_sign_ins_total</c> for a counter.</summary>
    public string Name { get; }

    public string Help { get; }

    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>The word on the <c># TYPE</c> line.</summary>
    internal abstract string TypeName { get; }

    /// <summary>The names the family's samples use, so the registry can refuse a collision.</summary>
    internal virtual IEnumerable<string> SampleNames => [Name];

    internal string[] LabelNameArray => _labelNames;

    internal abstract void WriteSamples(PrometheusTextWriter writer);
}
