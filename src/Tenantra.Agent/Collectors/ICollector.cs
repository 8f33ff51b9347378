using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// Collects one kind of entry for one snapshot category. Collectors read files through
/// <see cref="CollectionContext.Root"/> (normally "/"), so tests point them at a prepared tree.
/// A collector never throws for one unreadable item: it skips it and records why in
/// <see cref="CollectionContext.Problems"/>.
/// </summary>
public interface ICollector
{
    /// <summary>One of <see cref="SnapshotCategories"/>.</summary>
    string Category { get; }

    IEnumerable<SnapshotEntry> Collect(CollectionContext context);
}

/// <summary>Where and how a collection runs.</summary>
public sealed class CollectionContext(string root)
{
    /// <summary>The filesystem root the collectors read (e.g. "/" or a test directory).</summary>
    public string Root { get; } = root;

    /// <summary>Items that could not be read, with the reason (reported, never fatal).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>An absolute path of the collected system (like "/etc/crontab") under <see cref="Root"/>.</summary>
    public string PathOf(string absolute) => Path.Join(Root, absolute.TrimStart('/'));
}
