using System.Globalization;
using System.Text;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// Running processes from /proc. Each process is a "process" entry keyed by its pid (volatile:
/// the same program gets a new key when restarted) with ppid, name, uid, user, executable,
/// commandLine (secret-masked), startTime (ISO-8601 UTC, to the second) and sha256 of the
/// executable. Each distinct executable path is also an "executable" entry with its sha256: the
/// stable identity to compare between collections. Kernel threads and processes whose
/// executable cannot be read (another user's process without privileges, zombies, processes that
/// exit during the scan) are skipped without a problem being recorded.
/// Keep one instance between collections: it remembers executable hashes by device, inode and
/// modification time, so unchanged binaries are not hashed again.
/// </summary>
public sealed class ProcessCollector : ICollector
{
    private readonly ExecutableHashCache _hashes = new();

    public string Category => SnapshotCategories.Processes;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var users = PasswdFile.Read(context);
        var bootTime = context.ReadTextIfPresent("/proc/stat") is { } procStat ? ProcessStat.ParseBootTime(procStat) : null;
        var processes = new List<SnapshotEntry>();
        var executables = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pid in ProcFileSystem.ProcessIds(context))
        {
            if (Describe(context, pid, users, bootTime) is not { } fields)
            {
                continue;
            }

            processes.Add(new SnapshotEntry("process", pid.ToString(CultureInfo.InvariantCulture), fields));
            var executable = fields["executable"]!;
            if (executables.GetValueOrDefault(executable) is null)
            {
                executables[executable] = fields.GetValueOrDefault("sha256");
            }
        }

        foreach (var (path, sha256) in executables)
        {
            processes.Add(new SnapshotEntry("executable", path, new Dictionary<string, string?>(StringComparer.Ordinal) { ["sha256"] = sha256 }));
        }

        return processes;
    }

    private Dictionary<string, string?>? Describe(CollectionContext context, int pid, PasswdFile users, long? bootTime)
    {
        var directory = $"/proc/{pid}";
        if (ProcFileSystem.ReadQuietly(context, directory + "/stat") is not { } statText
            || ProcessStat.Parse(statText) is not { IsKernelThread: false } stat
            || SymbolicLinks.TargetOf(context, directory + "/exe") is not { } executable)
        {
            return null;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["pid"] = pid.ToString(CultureInfo.InvariantCulture),
            ["ppid"] = stat.ParentPid.ToString(CultureInfo.InvariantCulture),
            ["name"] = stat.Name,
            ["executable"] = executable,
            ["commandLine"] = SnapshotLimits.FitValue(SecretMasker.MaskText(ReadCommandLine(context, directory + "/cmdline"))),
        };
        if (ProcFileSystem.ReadQuietly(context, directory + "/status") is { } status && ProcessStat.ParseEffectiveUid(status) is { } uid)
        {
            fields["uid"] = uid.ToString(CultureInfo.InvariantCulture);
            fields["user"] = users.NameOf(uid);
        }

        if (bootTime is { } boot)
        {
            fields["startTime"] = stat.StartedAt(boot).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        fields["sha256"] = _hashes.Hash(context.PathOf(directory + "/exe"), out var problem);
        if (problem is not null)
        {
            context.Problems.Add($"{executable} (pid {pid}): {problem}");
        }

        return fields;
    }

    /// <summary>The NUL-separated arguments joined by spaces.</summary>
    private static string ReadCommandLine(CollectionContext context, string absolutePath)
    {
        try
        {
            var bytes = File.ReadAllBytes(context.PathOf(absolutePath));
            var text = Encoding.UTF8.GetString(bytes).TrimEnd('\0');
            return text.Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
