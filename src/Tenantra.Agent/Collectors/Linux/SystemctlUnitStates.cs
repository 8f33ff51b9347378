using System.Diagnostics;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>The runtime state of one loaded unit as systemctl reports it.</summary>
internal readonly record struct UnitRuntimeState(string Active, string Sub);

/// <summary>
/// Asks the running systemd for the state of every service and timer it has loaded, with one
/// <c>systemctl list-units</c> call. Only meaningful on the live system (root "/"); template
/// instances (getty@tty1.service) are reported under their instance name.
/// </summary>
internal static class SystemctlUnitStates
{
    private static readonly string[] s_systemctlLocations = ["/usr/bin/systemctl", "/bin/systemctl"];
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>The states by unit name, or null when systemctl is absent or fails (the failure is recorded).</summary>
    public static Dictionary<string, UnitRuntimeState>? Query(CollectionContext context)
    {
        var systemctl = s_systemctlLocations.FirstOrDefault(File.Exists);
        if (systemctl is null)
        {
            return null;
        }

        var start = new ProcessStartInfo(systemctl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["list-units", "--all", "--no-legend", "--plain", "--no-pager", "--type=service,timer"])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill();
                context.Problems.Add("systemctl list-units: no answer within 10 s");
                return null;
            }

            if (process.ExitCode != 0)
            {
                var reason = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                context.Problems.Add($"systemctl list-units: exit code {process.ExitCode}: {reason.Trim()}");
                return null;
            }

            return Parse(output.Result);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            context.Problems.Add($"systemctl list-units: {e.Message}");
            return null;
        }
    }

    /// <summary>Parses "UNIT LOAD ACTIVE SUB DESCRIPTION" lines; a leading "●" (failed or not-found units) is ignored.</summary>
    public static Dictionary<string, UnitRuntimeState> Parse(string output)
    {
        var states = new Dictionary<string, UnitRuntimeState>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var columns = line.Split((char[])[' ', '\t'], 6, StringSplitOptions.RemoveEmptyEntries);
            var offset = columns.Length > 0 && columns[0] is "●" or "*" ? 1 : 0;
            if (columns.Length >= offset + 4)
            {
                states[columns[offset]] = new UnitRuntimeState(columns[offset + 2], columns[offset + 3]);
            }
        }

        return states;
    }
}
