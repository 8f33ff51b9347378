using System.Buffers;
using Tenantra.Agent.Contracts;

namespace Tenantra.Core.Integrity;

public enum EntryChangeKind
{
    Added = 0,
    Removed = 1,
    Modified = 2,
}

/// <summary>One field of an entry, before and after (null: absent or empty).</summary>
public sealed record FieldChange(string Name, string? Before, string? After);

/// <summary>
/// An entry that differs between two states, named by its natural identity (kind and key); for a
/// modified entry, the fields that changed — volatile fields left out.
/// </summary>
public sealed record EntryChange(EntryChangeKind Change, string Kind, string Key, IReadOnlyList<FieldChange> Fields);

/// <summary>
/// The difference between a baseline and a later state of one category: entries matched by their
/// natural identity (kind + key) whatever their order, compared field by field, ignoring the
/// category's volatile fields (PIDs, next run times…). An absent field and a field without a value
/// are the same. Changes come in the current state's order, removals last in the baseline's. Linear
/// in the number of entries: two states in canonical order (<see cref="SnapshotContent.InCanonicalOrder"/>,
/// as stored states and baselines are kept) are walked in step, reading memory in order; any others
/// are matched through a hash table of the baseline.
/// </summary>
public static class SnapshotDiff
{
    /// <summary>Baselines up to this size reuse one table per thread: a new one each time would be a large-object allocation, and a full collection soon after.</summary>
    private const int ReusedTableLimit = 250_000;

    [ThreadStatic]
    private static Dictionary<string, int>? s_threadTable;

    public static List<EntryChange> Compare(IReadOnlyList<SnapshotEntry> baseline, IReadOnlyList<SnapshotEntry> current, IReadOnlySet<string> volatileFields) =>
        SnapshotContent.IsCanonical(current) && SnapshotContent.IsCanonical(baseline)
            ? CompareInStep(baseline, current, volatileFields)
            : CompareByTable(baseline, current, volatileFields);

    /// <summary>Both states in canonical order: one merge pass, the lesser identity first.</summary>
    private static List<EntryChange> CompareInStep(IReadOnlyList<SnapshotEntry> baseline, IReadOnlyList<SnapshotEntry> current, IReadOnlySet<string> volatileFields)
    {
        var changes = new List<EntryChange>();
        List<EntryChange>? removals = null;
        var b = 0;
        foreach (var entry in current)
        {
            var order = -1;
            while (b < baseline.Count && (order = SnapshotContent.CompareIdentity(baseline[b], entry)) < 0)
            {
                (removals ??= []).Add(Removed(baseline[b++], volatileFields));
            }

            if (order != 0)
            {
                changes.Add(Added(entry, volatileFields));
            }
            else if (Fields(baseline[b++], entry, volatileFields) is { } fields)
            {
                changes.Add(new EntryChange(EntryChangeKind.Modified, entry.Kind, entry.Key, fields));
            }
        }

        while (b < baseline.Count)
        {
            (removals ??= []).Add(Removed(baseline[b++], volatileFields));
        }

        changes.AddRange(removals ?? []);
        return changes;
    }

    private static List<EntryChange> CompareByTable(IReadOnlyList<SnapshotEntry> baseline, IReadOnlyList<SnapshotEntry> current, IReadOnlySet<string> volatileFields)
    {
        var reuse = baseline.Count <= ReusedTableLimit;
        var before = reuse ? s_threadTable ??= new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(baseline.Count, StringComparer.Ordinal);
        s_threadTable = null; // a nested call on this thread (none today) would get a table of its own
        try
        {
            return CompareByTable(baseline, current, volatileFields, before);
        }
        finally
        {
            if (reuse)
            {
                before.Clear();
                s_threadTable = before;
            }
        }
    }

    private static List<EntryChange> CompareByTable(IReadOnlyList<SnapshotEntry> baseline, IReadOnlyList<SnapshotEntry> current, IReadOnlySet<string> volatileFields, Dictionary<string, int> before)
    {
        // Positions keyed by key alone (string keys hash fastest); the rare entry whose key another
        // kind already uses goes to the overflow table. What no current entry matched was removed.
        before.EnsureCapacity(baseline.Count);
        Dictionary<(string Kind, string Key), int>? overflow = null;
        for (var i = 0; i < baseline.Count; i++)
        {
            if (!before.TryAdd(baseline[i].Key, i) && baseline[before[baseline[i].Key]].Kind != baseline[i].Kind)
            {
                (overflow ??= [])[(baseline[i].Kind, baseline[i].Key)] = i;
            }
        }

        var matched = ArrayPool<bool>.Shared.Rent(baseline.Count);
        Array.Clear(matched, 0, baseline.Count);
        var changes = new List<EntryChange>();
        foreach (var entry in current)
        {
            if (!Find(before, overflow, baseline, entry, out var position))
            {
                changes.Add(Added(entry, volatileFields));
                continue;
            }

            matched[position] = true;
            if (Fields(baseline[position], entry, volatileFields) is { } fields)
            {
                changes.Add(new EntryChange(EntryChangeKind.Modified, entry.Kind, entry.Key, fields));
            }
        }

        for (var i = 0; i < baseline.Count; i++)
        {
            if (!matched[i])
            {
                changes.Add(Removed(baseline[i], volatileFields));
            }
        }

        ArrayPool<bool>.Shared.Return(matched);
        return changes;
    }

    private static EntryChange Added(SnapshotEntry entry, IReadOnlySet<string> volatileFields) =>
        new(EntryChangeKind.Added, entry.Kind, entry.Key, Fields(null, entry, volatileFields) ?? []);

    private static EntryChange Removed(SnapshotEntry entry, IReadOnlySet<string> volatileFields) =>
        new(EntryChangeKind.Removed, entry.Kind, entry.Key, Fields(entry, null, volatileFields) ?? []);

    private static bool Find(
        Dictionary<string, int> before, Dictionary<(string Kind, string Key), int>? overflow, IReadOnlyList<SnapshotEntry> baseline, SnapshotEntry entry, out int position) =>
        (before.TryGetValue(entry.Key, out position) && baseline[position].Kind == entry.Kind)
        || (overflow is not null && overflow.TryGetValue((entry.Kind, entry.Key), out position));

    /// <summary>The non-volatile fields whose values differ (all of them against a missing side); null when none.</summary>
    private static List<FieldChange>? Fields(SnapshotEntry? before, SnapshotEntry? after, IReadOnlySet<string> volatileFields)
    {
        var old = before is null ? null : Concrete(before.Fields);
        var now = after is null ? null : Concrete(after.Fields);
        if (old is not null && now is not null && SameInOrder(old, now, volatileFields))
        {
            return null;
        }

        List<FieldChange>? changes = null;
        var shared = 0;
        if (now is not null)
        {
            foreach (var (name, value) in now)
            {
                string? was = null;
                if (old is not null && old.TryGetValue(name, out was))
                {
                    shared++;
                }

                // Values first: most fields are equal, and then their volatility does not matter.
                if (!string.Equals(Normal(was), Normal(value), StringComparison.Ordinal) && !volatileFields.Contains(name))
                {
                    (changes ??= []).Add(new FieldChange(name, Normal(was), Normal(value)));
                }
            }
        }

        if (old is not null && shared < old.Count)
        {
            foreach (var (name, value) in old)
            {
                if (Normal(value) is { } gone && (now is null || !now.ContainsKey(name)) && !volatileFields.Contains(name))
                {
                    (changes ??= []).Add(new FieldChange(name, gone, null));
                }
            }
        }

        return changes;
    }

    /// <summary>
    /// The common case, cheaply: the same field names in the same order (one collector wrote both) and
    /// equal values but for volatile fields — no name is hashed. False means "look closer", not "changed".
    /// </summary>
    private static bool SameInOrder(Dictionary<string, string?> old, Dictionary<string, string?> now, IReadOnlySet<string> volatileFields)
    {
        if (old.Count != now.Count)
        {
            return false;
        }

        using var was = old.GetEnumerator();
        foreach (var (name, value) in now)
        {
            was.MoveNext();
            var (oldName, oldValue) = was.Current;
            if (!string.Equals(name, oldName, StringComparison.Ordinal)
                || (!string.Equals(Normal(value), Normal(oldValue), StringComparison.Ordinal) && !volatileFields.Contains(name)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The fields as the concrete dictionary deserialised snapshots carry: its struct enumerator and
    /// direct lookups spare an allocation and interface calls per entry (a million entries, twice).
    /// </summary>
    private static Dictionary<string, string?> Concrete(IReadOnlyDictionary<string, string?> fields) =>
        fields as Dictionary<string, string?> ?? new Dictionary<string, string?>(fields, StringComparer.Ordinal);

    private static string? Normal(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
