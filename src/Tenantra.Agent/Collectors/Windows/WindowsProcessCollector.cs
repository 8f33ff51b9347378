using System.Globalization;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>One running process as the process table reports it; what could not be read is null.</summary>
public sealed record ProcessRecord(
    int Pid,
    int? ParentPid,
    string Name,
    string? Executable,
    string? CommandLine,
    string? User,
    DateTimeOffset? StartTime);

/// <summary>Where the running processes come from: the live Windows table, or a fixed list in tests.</summary>
public interface IProcessTable
{
    /// <summary>The processes; what cannot be read is added to <paramref name="problems"/>.</summary>
    IReadOnlyList<ProcessRecord> Read(List<string> problems);
}

/// <summary>
/// Running processes: kind "process" keyed by the pid, with pid, ppid, name, user, executable,
/// commandLine (secrets masked), startTime (ISO-8601 UTC, seconds) and sha256 of the executable;
/// and one kind "executable" entry per executable path with its sha256. Hashes are cached by path,
/// size and last write time. Without a table given, reads the live one on Windows and reports a
/// problem elsewhere.
/// </summary>
public sealed class WindowsProcessCollector : ICollector
{
    public const string ProcessKind = "process";
    public const string ExecutableKind = "executable";

    private readonly IProcessTable? _table;
    private readonly ExecutableHashCache _hashes;

    public WindowsProcessCollector(IProcessTable? table = null, ExecutableHashCache? hashes = null)
    {
        _table = table ?? (OperatingSystem.IsWindows() ? new LiveWindowsProcessTable() : null);
        _hashes = hashes ?? new ExecutableHashCache();
    }

    public string Category => SnapshotCategories.Processes;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        if (_table is null)
        {
            context.Problems.Add($"{Category}: the Windows process table can only be read on Windows");
            return entries;
        }

        var problems = new List<string>();
        var records = _table.Read(problems);
        context.Problems.AddRange(problems.Select(problem => $"{Category}: {problem}"));

        var executables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records.OrderBy(record => record.Pid))
        {
            string? sha256 = null;
            if (!string.IsNullOrEmpty(record.Executable) && !executables.TryGetValue(record.Executable, out sha256))
            {
                sha256 = _hashes.Hash(record.Executable, out var problem);
                if (problem is not null)
                {
                    context.Problems.Add($"{Category}: {record.Executable}: {problem}");
                }

                executables[record.Executable] = sha256;
            }

            var pid = record.Pid.ToString(CultureInfo.InvariantCulture);
            entries.Add(new SnapshotEntry(ProcessKind, pid, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["pid"] = pid,
                ["ppid"] = record.ParentPid?.ToString(CultureInfo.InvariantCulture),
                ["name"] = record.Name,
                ["user"] = record.User ?? string.Empty,
                ["executable"] = record.Executable,
                ["commandLine"] = record.CommandLine is null ? null : SecretMasker.MaskText(record.CommandLine),
                ["startTime"] = record.StartTime?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["sha256"] = sha256,
            }));
        }

        foreach (var (path, sha256) in executables.OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
        {
            entries.Add(new SnapshotEntry(ExecutableKind, path, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["sha256"] = sha256,
            }));
        }

        return entries;
    }

}
