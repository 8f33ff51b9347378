namespace Tenantra.Agent.Collectors.Windows;

/// <summary>The Windows collectors, with the registry they read chosen by the caller.</summary>
public static class WindowsCollectors
{
    /// <summary>
    /// Autoruns, services, scheduled tasks, processes, sockets and cloud CLI profiles. <paramref name="registry"/> is
    /// <see cref="LiveRegistry"/> on a Windows machine, or an <see cref="InMemoryRegistry"/> parsed
    /// from a .reg export. The hash cache is shared by the collectors that hash files.
    /// </summary>
    public static IReadOnlyList<ICollector> All(IRegistrySource registry, ExecutableHashCache? hashes = null)
    {
        hashes ??= new ExecutableHashCache();
        return
        [
            new AutorunsCollector(registry, hashes),
            new WindowsServiceCollector(registry),
            new ScheduledTaskCollector(),
            new WindowsProcessCollector(hashes: hashes),
            new WindowsSocketCollector(),
            new CloudProfileCollector(),
        ];
    }

    /// <summary>The live registry on Windows, null elsewhere.</summary>
    public static IRegistrySource? LiveRegistryIfWindows() => OperatingSystem.IsWindows() ? new LiveRegistry() : null;
}
