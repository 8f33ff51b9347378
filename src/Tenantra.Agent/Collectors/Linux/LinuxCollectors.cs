namespace Tenantra.Agent.Collectors.Linux;

/// <summary>The collectors that run on Linux, one per category.</summary>
public static class LinuxCollectors
{
    /// <summary>
    /// New instances of every Linux collector. Create them once and reuse them for every
    /// collection: <see cref="ProcessCollector"/> keeps its executable hashes between runs.
    /// </summary>
    public static IReadOnlyList<ICollector> All() =>
    [
        new BootChainCollector(),
        new SystemdUnitCollector(),
        new CronCollector(),
        new ProcessCollector(),
        new SocketCollector(),
        new CloudProfileCollector(),
    ];
}
