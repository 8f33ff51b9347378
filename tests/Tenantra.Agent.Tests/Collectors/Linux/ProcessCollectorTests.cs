using System.Globalization;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Tests.Collectors.Linux;

public sealed class ProcessCollectorTests : IDisposable
{
    private const uint KernelThreadFlags = 0x00208040;
    private const uint UserProcessFlags = 0x00400100;

    private readonly FixtureRoot _machine = new();

    public ProcessCollectorTests()
    {
        _machine.Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
        _machine.Write("/proc/stat", "cpu  1 2 3 4\nintr 0\nbtime 1700000000\nprocesses 4242\n");
    }

    public void Dispose() => _machine.Dispose();

    [Fact]
    public void Describes_each_process_and_each_distinct_executable()
    {
        var app = _machine.Write("/opt/app/bin/app", "app binary v1");
        var shell = _machine.Write("/usr/bin/bash", "bash binary");
        AddProcess(100, "my (odd) app", parentPid: 1, UserProcessFlags, startTicks: 12_345, uid: 1000, exe: app, "/opt/app/bin/app\0--password\0hunter2\0-v\0");
        AddProcess(101, "app", parentPid: 100, UserProcessFlags, startTicks: 20_000, uid: 0, exe: app, "/opt/app/bin/app\0worker\0");
        AddProcess(7, "bash", parentPid: 1, UserProcessFlags, startTicks: 100, uid: 4242, exe: shell, "-bash\0");
        AddProcess(2, "kthreadd", parentPid: 0, KernelThreadFlags, startTicks: 0, uid: 0, exe: null, "");
        AddProcess(300, "secretive", parentPid: 1, UserProcessFlags, startTicks: 0, uid: 0, exe: null, "hidden\0");

        var context = _machine.Context();
        var entries = new ProcessCollector().Collect(context).ToList();

        Assert.Equal(["7", "100", "101"], entries.KeysOf("process"));
        var first = entries.FieldsOf("process", "100");
        Assert.Equal("100", first["pid"]);
        Assert.Equal("1", first["ppid"]);
        Assert.Equal("my (odd) app", first["name"]);
        Assert.Equal(app, first["executable"]);
        Assert.Equal("/opt/app/bin/app --password ******** -v", first["commandLine"]);
        Assert.Equal("1000", first["uid"]);
        Assert.Equal("alice", first["user"]);
        Assert.Equal("2023-11-14T22:15:23Z", first["startTime"]);
        Assert.Equal(FixtureRoot.Sha256("app binary v1"), first["sha256"]);
        Assert.Equal("root", entries.FieldsOf("process", "101")["user"]);
        Assert.Equal("4242", entries.FieldsOf("process", "7")["user"]);

        Assert.Equal([app, shell], entries.KeysOf("executable"));
        Assert.Equal(FixtureRoot.Sha256("bash binary"), entries.FieldsOf("executable", shell)["sha256"]);
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void An_unchanged_executable_is_not_hashed_again_by_the_same_collector()
    {
        var modified = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var app = _machine.Write("/opt/app/bin/app", "version one");
        File.SetLastWriteTimeUtc(app, modified);
        AddProcess(100, "app", parentPid: 1, UserProcessFlags, startTicks: 0, uid: 0, exe: app, "app\0");
        var collector = new ProcessCollector();
        Assert.Equal(FixtureRoot.Sha256("version one"), collector.Collect(_machine.Context()).FieldsOf("executable", app)["sha256"]);

        // Same inode, same modification time: the remembered hash is used even though the bytes differ.
        File.WriteAllText(app, "version two");
        File.SetLastWriteTimeUtc(app, modified);
        Assert.Equal(FixtureRoot.Sha256("version one"), collector.Collect(_machine.Context()).FieldsOf("executable", app)["sha256"]);
        Assert.Equal(FixtureRoot.Sha256("version two"), new ProcessCollector().Collect(_machine.Context()).FieldsOf("executable", app)["sha256"]);

        File.SetLastWriteTimeUtc(app, modified.AddSeconds(1));
        Assert.Equal(FixtureRoot.Sha256("version two"), collector.Collect(_machine.Context()).FieldsOf("executable", app)["sha256"]);
    }

    [Fact]
    public void Stat_lines_are_read_past_a_name_holding_spaces_and_parentheses()
    {
        var stat = ProcessStat.Parse(StatLine(55, "a) (b c", 9, UserProcessFlags, 250));

        Assert.Equal(new ProcessStat(55, "a) (b c", 9, UserProcessFlags, 250), stat);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_000_002), stat!.Value.StartedAt(1_000_000));
        Assert.Null(ProcessStat.Parse("55 (short) S 1"));
    }

    [Fact]
    public void On_this_machine_the_test_process_is_found_with_the_dotnet_executable()
    {
        var context = new CollectionContext("/");
        var entries = new ProcessCollector().Collect(context).ToList();

        var self = entries.FieldsOf("process", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var executable = new FileInfo("/proc/self/exe").LinkTarget!;
        Assert.Equal(executable, self["executable"]);
        Assert.Equal("dotnet", Path.GetFileName(executable));
        Assert.Equal(FixtureRoot.Sha256(File.ReadAllBytes(executable)), self["sha256"]);
        Assert.Equal(FixtureRoot.Sha256(File.ReadAllBytes(executable)), entries.FieldsOf("executable", executable)["sha256"]);
        Assert.Equal(Environment.UserName, self["user"]);
        var started = DateTimeOffset.Parse(self["startTime"]!, CultureInfo.InvariantCulture);
        Assert.InRange((started - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Contains("testhost", self["commandLine"], StringComparison.Ordinal);
    }

    private void AddProcess(int pid, string name, int parentPid, uint flags, ulong startTicks, uint uid, string? exe, string commandLine)
    {
        _machine.Write($"/proc/{pid}/stat", StatLine(pid, name, parentPid, flags, startTicks));
        _machine.Write($"/proc/{pid}/cmdline", commandLine);
        _machine.Write($"/proc/{pid}/status", $"Name:\t{name}\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t0\t0\t0\t0\n");
        if (exe is not null)
        {
            _machine.Link($"/proc/{pid}/exe", exe);
        }
    }

    /// <summary>A /proc/&lt;pid&gt;/stat line with all 52 fields, as the kernel writes it.</summary>
    private static string StatLine(int pid, string name, int parentPid, uint flags, ulong startTicks)
    {
        var fields = Enumerable.Repeat("0", 50).ToArray();
        fields[0] = "S";
        fields[1] = parentPid.ToString(CultureInfo.InvariantCulture);
        fields[2] = pid.ToString(CultureInfo.InvariantCulture);
        fields[4] = "-1";
        fields[6] = flags.ToString(CultureInfo.InvariantCulture);
        fields[15] = "20";
        fields[17] = "1";
        fields[19] = startTicks.ToString(CultureInfo.InvariantCulture);
        return $"{pid} ({name}) {string.Join(' ', fields)}\n";
    }
}
