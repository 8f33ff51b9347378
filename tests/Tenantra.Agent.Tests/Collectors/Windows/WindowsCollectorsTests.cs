using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class WindowsCollectorsTests
{
    [Fact]
    public void All_gives_one_collector_per_windows_category_reading_the_given_registry()
    {
        var registry = RegFileParser.Parse(WindowsFixtures.Bytes("registry/services.reg")).Registry;

        var collectors = WindowsCollectors.All(registry);

        Assert.Equal(
            [SnapshotCategories.Autoruns, SnapshotCategories.Services, SnapshotCategories.Scheduled, SnapshotCategories.Processes, SnapshotCategories.Network, SnapshotCategories.CloudProfiles],
            collectors.Select(collector => collector.Category));
        var services = collectors.Single(collector => collector.Category == SnapshotCategories.Services);
        Assert.Equal(7, services.Collect(new Tenantra.Agent.Collectors.CollectionContext("/nonexistent")).Count());
    }

    [Fact]
    public void The_live_registry_exists_only_on_windows()
    {
        var live = WindowsCollectors.LiveRegistryIfWindows();

        if (OperatingSystem.IsWindows())
        {
            Assert.NotNull(live?.OpenKey(@"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion")?.GetValue("CurrentBuild"));
        }
        else
        {
            Assert.Null(live);
        }
    }
}
