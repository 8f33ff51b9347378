namespace Tenantra.Agent.Collectors;

/// <summary>One [section] of an INI file; keys compare case-insensitively, a repeated key keeps its last value.</summary>
internal sealed record IniSection(string Name, Dictionary<string, string> Values);

/// <summary>
/// The INI dialect of the AWS and gcloud CLIs: <c>[section]</c>, <c>key = value</c>, <c>#</c> and
/// <c>;</c> comments. Indented lines continue a nested value (AWS <c>s3 =</c> blocks) and are
/// ignored, as are lines before the first section. A section named twice is merged.
/// </summary>
internal static class IniFile
{
    public static List<IniSection> Parse(string text)
    {
        var sections = new List<IniSection>();
        IniSection? current = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';' || line.Length != trimmed.Length)
            {
                continue;
            }

            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                var name = trimmed[1..^1].Trim();
                current = sections.Find(section => section.Name == name);
                if (current is null)
                {
                    current = new IniSection(name, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
                    sections.Add(current);
                }

                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (current is not null && equals > 0)
            {
                current.Values[trimmed[..equals].Trim()] = trimmed[(equals + 1)..].Trim();
            }
        }

        return sections;
    }
}
