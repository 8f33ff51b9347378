using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class WindowsServiceCollectorTests
{
    private static (List<SnapshotEntry> Entries, CollectionContext Context) Collect()
    {
        var parsed = RegFileParser.Parse(WindowsFixtures.Bytes("registry/services.reg"));
        Assert.Empty(parsed.Problems);
        var context = new CollectionContext("/nonexistent");
        var collector = new WindowsServiceCollector(parsed.Registry);
        Assert.Equal(SnapshotCategories.Services, collector.Category);
        return ([.. collector.Collect(context)], context);
    }

    private static string Describe(List<SnapshotEntry> entries, string name) =>
        WindowsFixtures.Describe(WindowsFixtures.Single(entries, WindowsServiceCollector.Kind, name));

    [Fact]
    public void Lists_every_service_key_that_the_service_control_manager_would_use()
    {
        var (entries, context) = Collect();

        Assert.Empty(context.Problems);
        Assert.Equal(["AFD", "CDPUserSvc", "disk", "Dnscache", "sppsvc", "WinSvcUpdater", "WSearch"], entries.Select(entry => entry.Key));
        Assert.All(entries, entry => Assert.Equal("windows-service", entry.Kind));
    }

    [Fact]
    public void A_shared_svchost_service_has_its_service_dll_account_and_start_name()
    {
        var (entries, _) = Collect();

        Assert.Equal(
            """
            delayedAutostart=false
            displayName=@%SystemRoot%\System32\dnsapi.dll,-101
            imagePath=%SystemRoot%\system32\svchost.exe -k NetworkService -p
            objectName=NT AUTHORITY\NetworkService
            serviceDll=%SystemRoot%\System32\dnsrslvr.dll
            start=2
            startType=automatic
            type=32
            typeName=share-process
            """,
            Describe(entries, "Dnscache"));
    }

    [Fact]
    public void Drivers_have_boot_and_system_start_types_and_no_account()
    {
        var (entries, _) = Collect();

        Assert.Equal(
            """
            delayedAutostart=false
            displayName=@diskdrv.inf,%disk_ServiceDesc%;Disk Driver
            imagePath=System32\drivers\disk.sys
            objectName=
            serviceDll=
            start=0
            startType=boot
            type=1
            typeName=kernel-driver
            """,
            Describe(entries, "disk"));
        Assert.Contains("start=1\nstartType=system\ntype=1\ntypeName=kernel-driver", Describe(entries, "AFD"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_delayed_autostart_disabled_services_and_user_service_templates()
    {
        var (entries, _) = Collect();

        Assert.StartsWith("delayedAutostart=true\n", Describe(entries, "sppsvc"), StringComparison.Ordinal);
        Assert.Contains("start=2\nstartType=automatic\ntype=16\ntypeName=own-process", Describe(entries, "sppsvc"), StringComparison.Ordinal);
        Assert.Contains("start=4\nstartType=disabled", Describe(entries, "WSearch"), StringComparison.Ordinal);
        Assert.Contains(@"serviceDll=%SystemRoot%\System32\CDPUserSvc.dll", Describe(entries, "CDPUserSvc"), StringComparison.Ordinal);
        Assert.Contains("type=96\ntypeName=share-process+user-service", Describe(entries, "CDPUserSvc"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_planted_service_is_recorded_with_its_token_masked()
    {
        var (entries, _) = Collect();

        Assert.Equal(
            """
            delayedAutostart=false
            displayName=Windows Service Updater
            imagePath="C:\ProgramData\WinSvc\updsvc.exe" -k netsvcs --token ********
            objectName=LocalSystem
            serviceDll=
            start=2
            startType=automatic
            type=272
            typeName=own-process+interactive
            """,
            Describe(entries, "WinSvcUpdater"));
        Assert.DoesNotContain(entries, entry => entry.Fields.Values.Any(value => value?.Contains("9f8e7d6c", StringComparison.Ordinal) == true));
    }

    [Theory]
    [InlineData(0ul, "boot")]
    [InlineData(1ul, "system")]
    [InlineData(2ul, "automatic")]
    [InlineData(3ul, "manual")]
    [InlineData(4ul, "disabled")]
    [InlineData(5ul, "unknown")]
    public void Names_start_values(ulong start, string name) => Assert.Equal(name, WindowsServiceCollector.StartTypeName(start));

    [Fact]
    public void Missing_services_key_gives_nothing_and_no_problem()
    {
        var context = new CollectionContext("/nonexistent");

        Assert.Empty(new WindowsServiceCollector(new InMemoryRegistry()).Collect(context));
        Assert.Empty(context.Problems);
    }
}
