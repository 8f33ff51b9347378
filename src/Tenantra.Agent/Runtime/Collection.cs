using Tenantra.Agent.Collectors;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Runtime;

/// <summary>Runs the collectors of one category into one snapshot.</summary>
public sealed class Collection(IReadOnlyList<ICollector> collectors, string root)
{
    public IEnumerable<string> Categories => collectors.Select(c => c.Category).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// A snapshot of <paramref name="category"/> now. A collector that fails entirely is reported in
    /// <paramref name="problems"/> and the others still count; an entry repeated by two collectors
    /// (same kind and key) is kept once.
    /// </summary>
    public Snapshot Collect(string category, List<string> problems)
    {
        var context = new CollectionContext(root);
        var entries = new List<SnapshotEntry>();
        var seen = new HashSet<(string, string)>();
        foreach (var collector in collectors.Where(c => c.Category == category))
        {
            try
            {
                foreach (var entry in collector.Collect(context))
                {
                    if (seen.Add((entry.Kind, entry.Key)))
                    {
                        entries.Add(entry);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
            {
                problems.Add($"{collector.GetType().Name}: {ex.Message}");
            }
        }

        problems.AddRange(context.Problems);
        return new Snapshot(SnapshotSchema.Version, Guid.CreateVersion7(), category, DateTimeOffset.UtcNow, entries);
    }
}
