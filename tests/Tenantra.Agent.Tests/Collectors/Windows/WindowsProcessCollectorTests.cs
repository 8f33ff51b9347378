using System.Security.Cryptography;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class WindowsProcessCollectorTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private sealed class FixedTable(params ProcessRecord[] records) : IProcessTable
    {
        public List<string> ProblemsToReport { get; } = [];

        public IReadOnlyList<ProcessRecord> Read(List<string> problems)
        {
            problems.AddRange(ProblemsToReport);
            return records;
        }
    }

    [Fact]
    public void Builds_process_and_executable_entries_with_masked_command_lines_and_utc_start_times()
    {
        var svchost = _tree.Write("Windows/System32/svchost.exe", [0x4d, 0x5a, 0x90, 0x00]);
        var table = new FixedTable(
            new ProcessRecord(4, 0, "System", null, null, @"NT AUTHORITY\SYSTEM", null),
            new ProcessRecord(1304, 712, "svchost", svchost, svchost + " -k NetworkService -p", @"NT AUTHORITY\NETWORK SERVICE",
                new DateTimeOffset(2024, 5, 6, 9, 10, 11, 250, TimeSpan.FromHours(2))),
            new ProcessRecord(1288, 712, "svchost", svchost, "svchost.exe -k LocalService --token abc.def", null, null));
        var context = new CollectionContext(_tree.Root);
        var collector = new WindowsProcessCollector(table);

        var entries = collector.Collect(context).ToList();

        Assert.Equal(SnapshotCategories.Processes, collector.Category);
        Assert.Empty(context.Problems);
        Assert.Equal(["process 4", "process 1288", "process 1304", "executable " + svchost], entries.Select(entry => entry.Kind + " " + entry.Key));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(svchost)));
        Assert.Equal(
            $"commandLine={svchost} -k NetworkService -p\nexecutable={svchost}\nname=svchost\npid=1304\nppid=712\nsha256={sha256}\nstartTime=2024-05-06T07:10:11Z\nuser=NT AUTHORITY\\NETWORK SERVICE",
            WindowsFixtures.Describe(entries[2]));
        Assert.Equal(
            $"commandLine=svchost.exe -k LocalService --token ********\nexecutable={svchost}\nname=svchost\npid=1288\nppid=712\nsha256={sha256}\nstartTime=\nuser=",
            WindowsFixtures.Describe(entries[1]));
        Assert.Equal("commandLine=\nexecutable=\nname=System\npid=4\nppid=0\nsha256=\nstartTime=\nuser=NT AUTHORITY\\SYSTEM", WindowsFixtures.Describe(entries[0]));
        Assert.Equal($"sha256={sha256}", WindowsFixtures.Describe(entries[3]));
    }

    [Fact]
    public void An_unreadable_executable_and_table_problems_are_reported()
    {
        var missing = Path.Combine(_tree.Root, "gone.exe");
        var table = new FixedTable(new ProcessRecord(77, null, "gone", missing, null, null, null));
        table.ProblemsToReport.Add("parent process ids: Toolhelp snapshot failed (error 5)");
        var context = new CollectionContext(_tree.Root);

        var entries = new WindowsProcessCollector(table).Collect(context).ToList();

        Assert.Equal(["processes: parent process ids: Toolhelp snapshot failed (error 5)", $"processes: {missing}: not found"], context.Problems);
        Assert.Equal("commandLine=\nexecutable=" + missing + "\nname=gone\npid=77\nppid=\nsha256=\nstartTime=\nuser=", WindowsFixtures.Describe(entries[0]));
        Assert.Equal("sha256=", WindowsFixtures.Describe(entries[1]));
    }

    [Fact]
    public void The_hash_cache_reads_a_file_again_only_when_its_size_or_write_time_changes()
    {
        var path = _tree.Write("tool.exe", [1, 2, 3, 4]);
        var written = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        var cache = new ExecutableHashCache();

        var first = cache.Hash(path, out _);
        File.WriteAllBytes(path, [9, 9, 9, 9]); // same size ...
        File.SetLastWriteTimeUtc(path, written); // ... and same time: taken as unchanged
        var cached = cache.Hash(path, out _);
        File.SetLastWriteTimeUtc(path, written.AddSeconds(1));
        var rehashed = cache.Hash(path, out var problem);

        Assert.Null(problem);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([1, 2, 3, 4])), first);
        Assert.Equal(first, cached);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([9, 9, 9, 9])), rehashed);
        Assert.Equal(2, cache.FilesHashed);
    }

    [Fact]
    public void Hashes_each_executable_once_across_processes_and_collections()
    {
        var exe = _tree.Write("app.exe", [7]);
        var cache = new ExecutableHashCache();
        var collector = new WindowsProcessCollector(new FixedTable(
            new ProcessRecord(10, 1, "app", exe, null, null, null),
            new ProcessRecord(11, 1, "app", exe, null, null, null)), cache);

        _ = collector.Collect(new CollectionContext(_tree.Root)).ToList();
        _ = collector.Collect(new CollectionContext(_tree.Root)).ToList();

        Assert.Equal(1, cache.FilesHashed);
    }

    [Fact]
    public void Without_a_table_reads_the_live_processes_on_windows_and_reports_it_unavailable_elsewhere()
    {
        var context = new CollectionContext(_tree.Root);

        var entries = new WindowsProcessCollector().Collect(context).ToList();

        if (OperatingSystem.IsWindows())
        {
            var own = WindowsFixtures.Single(entries, "process", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Environment.ProcessPath, own.Fields["executable"], StringComparer.OrdinalIgnoreCase);
        }
        else
        {
            Assert.Empty(entries);
            Assert.Equal(["processes: the Windows process table can only be read on Windows"], context.Problems);
        }
    }
}
