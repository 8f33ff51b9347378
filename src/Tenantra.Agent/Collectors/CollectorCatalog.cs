using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// The collectors for the operating system the agent runs on. One set per agent process: some keep
/// caches between collections (executable hashes by inode and modification time).
/// </summary>
public static class CollectorCatalog
{
    public static IReadOnlyList<ICollector> ForThisMachine() => LinuxCollectors.All();
}
