namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// Reads <c>NAME=value</c> lines of a shell-sourced settings file such as /etc/default/grub.
/// Handles comments, <c>export</c>, and single- or double-quoted values on one line; anything
/// else a shell could do (command substitution, values spanning lines) is taken literally.
/// </summary>
internal static class ShellAssignments
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var assignments = new List<KeyValuePair<string, string>>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !IsName(line.AsSpan(0, equals)))
            {
                continue;
            }

            assignments.Add(new(line[..equals], Unquote(line.AsSpan(equals + 1))));
        }

        return assignments;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string Unquote(ReadOnlySpan<char> value)
    {
        if (value.Length > 0 && value[0] is '"' or '\'')
        {
            var quote = value[0];
            var end = value[1..].IndexOf(quote);
            return end < 0 ? value[1..].ToString() : value.Slice(1, end).ToString();
        }

        // An unquoted value ends at whitespace; the rest of the line is a comment or another command.
        var stop = value.IndexOfAny(' ', '\t');
        return (stop < 0 ? value : value[..stop]).ToString();
    }
}
