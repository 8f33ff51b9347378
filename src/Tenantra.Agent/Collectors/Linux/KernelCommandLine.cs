namespace Tenantra.Agent.Collectors.Linux;

/// <summary>The kernel command line (/proc/cmdline) split into parameters.</summary>
internal static class KernelCommandLine
{
    /// <summary>
    /// The kernel's own parameters, in order, with double-quoted values kept whole
    /// (<c>foo="a b"</c> is one parameter). Arguments after a lone <c>--</c> belong to init and are left out.
    /// </summary>
    public static List<string> KernelParameters(string commandLine)
    {
        var parameters = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in commandLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
                current.Append(c);
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (Flush(current, parameters))
                {
                    return parameters;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        Flush(current, parameters);
        return parameters;
    }

    /// <summary>Adds the parameter being built; true when it was the <c>--</c> that ends the kernel's part.</summary>
    private static bool Flush(System.Text.StringBuilder current, List<string> parameters)
    {
        if (current.Length == 0)
        {
            return false;
        }

        var parameter = current.ToString();
        current.Clear();
        if (parameter == "--")
        {
            return true;
        }

        parameters.Add(parameter);
        return false;
    }
}
