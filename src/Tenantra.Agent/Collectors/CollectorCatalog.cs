namespace Tenantra.Agent.Collectors;

/// <summary>The collectors for the operating system the agent runs on.</summary>
public static class CollectorCatalog
{
    public static IReadOnlyList<ICollector> ForThisMachine() => [];
}
