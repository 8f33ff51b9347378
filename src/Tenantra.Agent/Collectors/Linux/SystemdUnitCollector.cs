using System.Security.Cryptography;
using System.Text;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// systemd services and timers ("systemd-unit", keyed by unit name). The unit file is the first
/// one found in /etc/systemd/system, /run/systemd/system, /usr/local/lib/systemd/system,
/// /lib/systemd/system, /usr/lib/systemd/system (systemd's precedence); drop-ins
/// (<c>name.d/*.conf</c> of every directory, a higher directory's file replacing a lower one of
/// the same name) are applied in name order and listed with their hashes in "dropIns".
/// "enabled" is masked (a link to /dev/null), enabled (wanted or required from
/// /etc/systemd/system), alias (a link to another unit), disabled (installable but not linked)
/// or static (no [Install]). "active" and "sub" come from the running systemd and are only
/// present when collecting the live system (root "/") and systemctl answers.
/// </summary>
public sealed class SystemdUnitCollector : ICollector
{
    private static readonly string[] s_unitDirectories =
        ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

    private static readonly string[] s_timerTriggers =
        ["OnCalendar", "OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec", "OnUnitInactiveSec"];

    public string Category => SnapshotCategories.Services;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var unitPaths = FindUnitFiles(context);
        var wanted = FindWantedUnits(context);
        var runtimeStates = IsLiveSystem(context) ? SystemctlUnitStates.Query(context) : null;
        var entries = new List<SnapshotEntry>(unitPaths.Count);
        foreach (var (name, path) in unitPaths)
        {
            if (Describe(context, name, path, wanted) is not { } fields)
            {
                continue;
            }

            if (runtimeStates is not null && runtimeStates.TryGetValue(name, out var state))
            {
                fields["active"] = state.Active;
                fields["sub"] = state.Sub;
            }

            entries.Add(new SnapshotEntry("systemd-unit", name, fields));
        }

        return entries;
    }

    private static bool IsLiveSystem(CollectionContext context) =>
        Path.GetFullPath(context.Root) == "/";

    private static bool IsCollectedUnit(string name) =>
        name.EndsWith(".service", StringComparison.Ordinal) || name.EndsWith(".timer", StringComparison.Ordinal);

    /// <summary>Unit name → the path of the unit file that wins, sorted by name.</summary>
    private static SortedDictionary<string, string> FindUnitFiles(CollectionContext context)
    {
        var units = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in s_unitDirectories)
        {
            foreach (var path in DirectoryListing.FilesIn(context, directory))
            {
                var name = Path.GetFileName(path);
                if (IsCollectedUnit(name))
                {
                    units.TryAdd(name, path);
                }
            }
        }

        return units;
    }

    /// <summary>Names linked from /etc/systemd/system/*.wants and *.requires, and the unit files those links point to.</summary>
    private static HashSet<string> FindWantedUnits(CollectionContext context)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in DirectoryListing.DirectoriesIn(context, "/etc/systemd/system"))
        {
            if (!directory.EndsWith(".wants", StringComparison.Ordinal) && !directory.EndsWith(".requires", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var link in DirectoryListing.FilesIn(context, directory))
            {
                wanted.Add(Path.GetFileName(link));
                if (SymbolicLinks.TargetOf(context, link) is { } target)
                {
                    wanted.Add(Path.GetFileName(target));
                }
            }
        }

        return wanted;
    }

    private static Dictionary<string, string?>? Describe(CollectionContext context, string name, string path, HashSet<string> wanted)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["path"] = path };
        var linkTarget = SymbolicLinks.TargetOf(context, path);
        if (linkTarget == "/dev/null")
        {
            fields["enabled"] = "masked";
            return fields;
        }

        var resolved = SymbolicLinks.Resolve(context, path);
        if (context.ReadBytesIfPresent(resolved) is not { } content)
        {
            context.Problems.Add($"{path}: unit file cannot be read");
            return null;
        }

        var unit = new SystemdUnitFile();
        unit.Apply(Encoding.UTF8.GetString(content));
        var dropIns = new List<string>();
        foreach (var dropIn in FindDropIns(context, name))
        {
            if (context.ReadBytesIfPresent(dropIn) is { } dropInContent)
            {
                unit.Apply(Encoding.UTF8.GetString(dropInContent));
                dropIns.Add(dropIn + " " + Convert.ToHexStringLower(SHA256.HashData(dropInContent)));
            }
        }

        fields["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content));
        if (linkTarget is not null)
        {
            fields["linkTarget"] = linkTarget;
        }

        fields["enabled"] = EnablementOf(name, linkTarget, unit, wanted);
        AddSetting(fields, "Description", unit.Value("Unit", "Description"));
        if (name.EndsWith(".timer", StringComparison.Ordinal))
        {
            foreach (var trigger in s_timerTriggers)
            {
                AddSetting(fields, trigger, Joined(unit.Values("Timer", trigger)));
            }

            fields["Unit"] = unit.Value("Timer", "Unit") ?? name[..^".timer".Length] + ".service";
        }
        else
        {
            AddSetting(fields, "Type", unit.Value("Service", "Type"));
            AddSetting(fields, "User", unit.Value("Service", "User"));
            AddSetting(fields, "ExecStart", Joined(unit.Values("Service", "ExecStart")) is { } execStart ? SnapshotLimits.FitValue(SecretMasker.MaskText(execStart)) : null);
        }

        if (dropIns.Count > 0)
        {
            fields["dropIns"] = string.Join('\n', dropIns);
        }

        return fields;
    }

    private static string EnablementOf(string name, string? linkTarget, SystemdUnitFile unit, HashSet<string> wanted)
    {
        if (linkTarget is not null && Path.GetFileName(linkTarget) != name)
        {
            return "alias";
        }

        if (wanted.Contains(name) || (IsTemplate(name) && wanted.Any(link => IsInstanceOf(link, name))))
        {
            return "enabled";
        }

        return unit.IsInstallable ? "disabled" : "static";
    }

    private static bool IsTemplate(string name) => name.Contains("@.", StringComparison.Ordinal);

    /// <summary>getty@tty1.service is an instance of getty@.service.</summary>
    private static bool IsInstanceOf(string instance, string template)
    {
        var at = template.IndexOf("@.", StringComparison.Ordinal);
        return instance.Length > template.Length
            && instance.StartsWith(template.AsSpan(0, at + 1), StringComparison.Ordinal)
            && instance.EndsWith(template.AsSpan(at + 1), StringComparison.Ordinal);
    }

    /// <summary>The drop-in files of a unit in the order systemd applies them (by file name).</summary>
    private static List<string> FindDropIns(CollectionContext context, string name)
    {
        var byFileName = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in s_unitDirectories)
        {
            foreach (var path in DirectoryListing.FilesIn(context, $"{directory}/{name}.d"))
            {
                if (path.EndsWith(".conf", StringComparison.Ordinal))
                {
                    byFileName.TryAdd(Path.GetFileName(path), path);
                }
            }
        }

        return [.. byFileName.Values];
    }

    private static string? Joined(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join('\n', values);

    private static void AddSetting(Dictionary<string, string?> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
    }
}
