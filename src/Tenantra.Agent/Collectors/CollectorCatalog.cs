using Tenantra.Agent.Collectors.Linux;
using Tenantra.Agent.Collectors.Windows;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// The collectors for the operating system the agent runs on. One set per agent process: some keep
/// caches between collections (executable hashes).
/// </summary>
public static class CollectorCatalog
{
    public static IReadOnlyList<ICollector> ForThisMachine() =>
        WindowsCollectors.LiveRegistryIfWindows() is { } registry ? WindowsCollectors.All(registry) : LinuxCollectors.All();
}
