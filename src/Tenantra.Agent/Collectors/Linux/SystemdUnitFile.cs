namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// The settings of a systemd unit after its unit file and drop-ins are applied in order. Every
/// setting keeps its list of values; an empty assignment (<c>ExecStart=</c>) clears what came
/// before, as systemd does, and a single-valued setting is the last value of its list.
/// Parsing follows systemd.syntax(7): sections, <c>#</c>/<c>;</c> comments and backslash line continuation.
/// </summary>
internal sealed class SystemdUnitFile
{
    private readonly Dictionary<(string Section, string Key), List<string>> _settings = [];

    /// <summary>All values of a setting, in order, after resets.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        _settings.TryGetValue((section, key), out var values) ? values : [];

    /// <summary>The effective value of a single-valued setting, or null when it is unset.</summary>
    public string? Value(string section, string key) =>
        Values(section, key) is [.., var last] ? last : null;

    /// <summary>True when [Install] says how to enable the unit (otherwise systemctl calls it static).</summary>
    public bool IsInstallable =>
        Values("Install", "WantedBy").Count + Values("Install", "RequiredBy").Count + Values("Install", "UpheldBy").Count
        + Values("Install", "Alias").Count + Values("Install", "Also").Count > 0;

    /// <summary>Applies one file (the unit file first, then each drop-in).</summary>
    public void Apply(string text)
    {
        var section = "";
        foreach (var line in LogicalLines(text))
        {
            if (line.StartsWith('['))
            {
                var end = line.IndexOf(']', StringComparison.Ordinal);
                section = end > 0 ? line[1..end] : line[1..];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = line[..equals].TrimEnd();
            var value = line[(equals + 1)..].Trim();
            if (!_settings.TryGetValue((section, key), out var values))
            {
                values = [];
                _settings[(section, key)] = values;
            }

            if (value.Length == 0)
            {
                values.Clear();
            }
            else
            {
                values.Add(value);
            }
        }
    }

    /// <summary>Trimmed lines with continuations joined and comments and blank lines dropped.</summary>
    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = new System.Text.StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line.AsSpan(0, line.Length - 1)).Append(' ');
                continue;
            }

            pending.Append(line);
            var logical = pending.ToString().Trim();
            pending.Clear();
            if (logical.Length > 0)
            {
                yield return logical;
            }
        }

        if (pending.Length > 0)
        {
            yield return pending.ToString().Trim();
        }
    }
}
