using System.Text;
using System.Xml;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class ScheduledTaskCollectorTests : IDisposable
{
    private const string Tasks = "Windows/System32/Tasks/";
    private const string Boundaries = "EndBoundary=2006-01-01T00:00:00-08:00";
    private const string Start = "StartBoundary=2005-10-11T13:21:17-08:00";

    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    public static TheoryData<string> Encodings => ["utf-8", "utf-16le with bom and crlf"];

    private static byte[] Encode(string fixture, string encoding)
    {
        var bytes = WindowsFixtures.Bytes(fixture);
        return encoding == "utf-8" ? bytes : WindowsFixtures.Utf16LeWithBomAndCrlf(Encoding.UTF8.GetString(bytes));
    }

    private (List<SnapshotEntry> Entries, CollectionContext Context) Collect()
    {
        var context = new CollectionContext(_tree.Root);
        var collector = new ScheduledTaskCollector();
        Assert.Equal(SnapshotCategories.Scheduled, collector.Category);
        return ([.. collector.Collect(context)], context);
    }

    private static string Expected(
        string file, string author, string description, string triggers, string actions,
        string enabled = "true", string hidden = "false", string userId = "", string groupId = "", string runLevel = "", string logonType = "") =>
        $"actions={actions}\nauthor={author}\ndescription={description}\nenabled={enabled}\nfile={file}\ngroupId={groupId}\nhidden={hidden}\nlogonType={logonType}\nrunLevel={runLevel}\ntriggers={triggers}\nuserId={userId}";

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Reads_the_four_microsoft_samples(string encoding)
    {
        foreach (var name in new[] { "boot", "daily", "logon", "time" })
        {
            _tree.Write(Tasks + $"Samples/{name}-trigger-example", Encode($"tasks/microsoft/{name}-trigger-example.xml", encoding));
        }

        var (entries, context) = Collect();

        Assert.Empty(context.Problems);
        Assert.Equal(
            [@"\Samples\boot-trigger-example", @"\Samples\daily-trigger-example", @"\Samples\logon-trigger-example", @"\Samples\time-trigger-example"],
            entries.Select(entry => entry.Key));
        Assert.All(entries, entry => Assert.Equal("scheduled-task", entry.Kind));
        Assert.Equal(
            Expected(@"\Samples\boot-trigger-example", "AuthorName", "Starts Notepad on system boot.",
                $"BootTrigger Enabled=true {Boundaries} ExecutionTimeLimit=PT5M {Start}", "Exec: notepad.exe",
                userId: "Administrator", logonType: "InteractiveToken"),
            WindowsFixtures.Describe(entries[0]));
        Assert.Equal(
            Expected(@"\Samples\daily-trigger-example", "AuthorName", "Notepad starts every day.",
                $"CalendarTrigger {Boundaries} Repetition/Duration=PT4M Repetition/Interval=PT1M ScheduleByDay/DaysInterval=1 {Start}", "Exec: notepad.exe",
                userId: "Administrator", logonType: "InteractiveToken"),
            WindowsFixtures.Describe(entries[1]));
        Assert.Equal(
            Expected(@"\Samples\logon-trigger-example", "AuthorName", "Starts Notepad when a specified user logs on.",
                $@"LogonTrigger Enabled=true {Boundaries} {Start} UserId=DOMAIN_NAME\UserName", "Exec: notepad.exe",
                groupId: @"Builtin\Administrators"),
            WindowsFixtures.Describe(entries[2]));
        Assert.Equal(
            Expected(@"\Samples\time-trigger-example", "AuthorName", "Task starts after at a specified time.",
                $"TimeTrigger Enabled=true {Boundaries} ExecutionTimeLimit=PT5M {Start}", "Exec: notepad.exe",
                userId: "Administrator", logonType: "InteractiveToken"),
            WindowsFixtures.Describe(entries[3]));
    }

    [Fact]
    public void A_hidden_task_running_as_system_is_keyed_by_its_uri_with_its_secret_masked()
    {
        _tree.Write(Tasks + "Microsoft/Windows/Maintenance/SvcHealthCheck", WindowsFixtures.Bytes("tasks/own/SvcHealthCheck"));

        var (entries, context) = Collect();

        Assert.Empty(context.Problems);
        var entry = Assert.Single(entries);
        Assert.Equal(@"\Microsoft\Windows\Maintenance\SvcHealthCheck", entry.Key);
        Assert.Equal(
            Expected(@"\Microsoft\Windows\Maintenance\SvcHealthCheck", "Microsoft Corporation", "Keeps Windows services healthy.",
                "BootTrigger Delay=PT2M Enabled=true\nTimeTrigger Enabled=true Repetition/Interval=PT15M Repetition/StopAtDurationEnd=false StartBoundary=2024-03-11T02:15:00",
                @"Exec: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -WindowStyle Hidden -ExecutionPolicy Bypass -File C:\ProgramData\SvcHealth\check.ps1 -token ******** (in C:\ProgramData\SvcHealth)",
                hidden: "true", userId: "S-1-5-18", runLevel: "HighestAvailable"),
            WindowsFixtures.Describe(entry));
        Assert.DoesNotContain(entry.Fields.Values, value => value?.Contains("7f3a9c2e41d8", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_disabled_com_handler_task_summarizes_every_kind_of_trigger_on_one_line_each()
    {
        _tree.Write(Tasks + "Microsoft/Windows/Wininet/CacheTask", WindowsFixtures.Bytes("tasks/own/CacheTask"));

        var (entries, context) = Collect();

        Assert.Empty(context.Problems);
        var entry = Assert.Single(entries);
        Assert.Equal(@"\Microsoft\Windows\Wininet\CacheTask", entry.Key);
        Assert.Equal(
            Expected(@"\Microsoft\Windows\Wininet\CacheTask", @"$(@%SystemRoot%\system32\wininet.dll,-16001)", @"$(@%SystemRoot%\system32\wininet.dll,-16003)",
                string.Join('\n',
                    "LogonTrigger @id=Logon",
                    """EventTrigger Subscription=<QueryList> <Query Id="0" Path="System"> <Select Path="System">*[System[Provider[@Name='Microsoft-Windows-Power-Troubleshooter'] and EventID=1]]</Select> </Query> </QueryList>""",
                    "SessionStateChangeTrigger StateChange=SessionUnlock",
                    "CalendarTrigger ScheduleByWeek/DaysOfWeek/Sunday ScheduleByWeek/DaysOfWeek/Wednesday ScheduleByWeek/WeeksInterval=1 StartBoundary=2024-01-01T03:00:00"),
                "ComHandler: {0358B920-0AC7-461F-98F4-58E32CD89148} data=cleanup scope=user",
                enabled: "false", groupId: "S-1-5-32-545"),
            WindowsFixtures.Describe(entry));
    }

    [Fact]
    public void Hostile_and_broken_files_are_reported_and_the_good_tasks_still_collected()
    {
        _tree.Write(Tasks + "Good/Boot", WindowsFixtures.Bytes("tasks/microsoft/boot-trigger-example.xml"));
        foreach (var name in new[] { "billion-laughs.xml", "external-entity.xml", "malformed.xml", "not-a-task.xml" })
        {
            _tree.Write(Tasks + "Hostile/" + name, WindowsFixtures.Bytes("tasks/hostile/" + name));
        }

        var huge = Encoding.UTF8.GetBytes($"<Task xmlns=\"{ScheduledTaskXml.Namespace}\">{new string(' ', ScheduledTaskXml.MaxBytes)}</Task>");
        _tree.Write(Tasks + "Hostile/huge", huge);

        var (entries, context) = Collect();

        Assert.Equal([@"\Good\Boot"], entries.Select(entry => entry.Key));
        Assert.Equal(5, context.Problems.Count);
        Assert.StartsWith(@"scheduled: \Hostile\billion-laughs.xml: refused XML at line ", context.Problems[0], StringComparison.Ordinal);
        Assert.Contains("DTD", context.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith(@"scheduled: \Hostile\external-entity.xml: ", context.Problems[1], StringComparison.Ordinal);
        Assert.Contains("DTD", context.Problems[1], StringComparison.Ordinal);
        Assert.Equal($@"scheduled: \Hostile\huge: {huge.Length} bytes, more than a task file can be ({ScheduledTaskXml.MaxBytes}); not read", context.Problems[2]);
        Assert.StartsWith(@"scheduled: \Hostile\malformed.xml: refused XML at line 10, position 1: Unexpected end of file", context.Problems[3], StringComparison.Ordinal);
        Assert.Equal(@"scheduled: \Hostile\not-a-task.xml: The root element is <Project>, not <Task>.", context.Problems[4]);
        Assert.DoesNotContain(context.Problems, problem => problem.Contains("lollol", StringComparison.Ordinal) || problem.Contains("root:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_parser_refuses_a_dtd_before_expanding_any_entity()
    {
        using var stream = File.OpenRead(WindowsFixtures.PathOf("tasks/hostile/billion-laughs.xml"));

        var error = Assert.Throws<XmlException>(() => ScheduledTaskXml.Parse(stream));

        Assert.Contains("DTD is prohibited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parser_refuses_a_stream_longer_than_the_limit_even_without_a_file_size()
    {
        var xml = $"<Task xmlns=\"{ScheduledTaskXml.Namespace}\"><RegistrationInfo><Description>{new string('x', ScheduledTaskXml.MaxBytes)}</Description></RegistrationInfo></Task>";
        using var stream = new NonSeekableStream(Encoding.UTF8.GetBytes(xml));

        Assert.Throws<XmlException>(() => ScheduledTaskXml.Parse(stream));
    }

    [Fact]
    public void Defaults_apply_to_a_minimal_task_without_settings_or_principals()
    {
        var xml = $"<Task xmlns=\"{ScheduledTaskXml.Namespace}\"><Actions><Exec><Command>a.exe</Command><Arguments>--password=p4ss</Arguments></Exec><SendEmail><Server>smtp</Server></SendEmail></Actions></Task>";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));

        var task = ScheduledTaskXml.Parse(stream);

        Assert.True(task.Enabled);
        Assert.False(task.Hidden);
        Assert.Null(task.Uri);
        Assert.Null(task.UserId);
        Assert.Empty(task.Triggers);
        Assert.Equal(["Exec: a.exe --password=********", "SendEmail: Server=smtp"], task.Actions);
    }

    [Fact]
    public void A_second_file_claiming_the_same_task_path_is_keyed_by_its_file_path()
    {
        var task = WindowsFixtures.Bytes("tasks/own/SvcHealthCheck");
        _tree.Write(Tasks + "Microsoft/Windows/Maintenance/SvcHealthCheck", task);
        _tree.Write(Tasks + "Copy/.HiddenCopy", task);

        var (entries, context) = Collect();

        Assert.Equal([@"\Copy\.HiddenCopy", @"\Microsoft\Windows\Maintenance\SvcHealthCheck"], entries.Select(entry => entry.Key).Order(StringComparer.Ordinal));
        Assert.Equal(
            [@"scheduled: \Copy\.HiddenCopy: task path \Microsoft\Windows\Maintenance\SvcHealthCheck is already used by another file; keyed by its file path instead"],
            context.Problems);
        Assert.All(entries, entry => Assert.Equal("true", entry.Fields["hidden"]));
        Assert.Equal(@"\Copy\.HiddenCopy", WindowsFixtures.Single(entries, "scheduled-task", @"\Copy\.HiddenCopy").Fields["file"]);
    }

    [Fact]
    public void No_tasks_folder_gives_nothing()
    {
        var (entries, context) = Collect();

        Assert.Empty(entries);
        Assert.Empty(context.Problems);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
