using Tenantra.Agent.Contracts;

namespace Tenantra.Core.Integrity;

/// <summary>
/// How drift is judged in one category: the fields that change on their own and are ignored
/// (<see cref="VolatileFields"/>), the kinds that are not persistence at all (running processes),
/// whether an entry that disappears is drift (an executable that stopped running is not), and the
/// entries watched so closely that even their volatile fields count (a firewall unit stopping).
/// </summary>
public sealed class IntegrityPolicy
{
    public required string Category { get; init; }
    public IReadOnlySet<string> VolatileFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public IReadOnlySet<string> IgnoredKinds { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public bool ReportsRemovals { get; init; } = true;

    /// <summary>Kind + key of entries whose volatile fields are compared too.</summary>
    public IReadOnlySet<(string Kind, string Key)> WatchedEntries { get; init; } = new HashSet<(string, string)>();

    public bool Evaluates(SnapshotEntry entry) => !IgnoredKinds.Contains(entry.Kind);

    /// <summary>
    /// Hash of what drift detection compares in <paramref name="entries"/>: their content hash when the
    /// policy ignores nothing, else the hash of the evaluated entries without their volatile fields
    /// (watched entries keep theirs). Equal hashes, no drift to look for.
    /// </summary>
    public string EvaluatedHash(IReadOnlyList<SnapshotEntry> entries, string contentHash)
    {
        if (IgnoredKinds.Count == 0 && VolatileFields.Count == 0)
        {
            return contentHash;
        }

        return SnapshotContent.Hash(entries.Where(Evaluates).Select(e => VolatileFields.Count == 0 || Watches(e) || !e.Fields.Keys.Any(VolatileFields.Contains)
            ? e
            : e with { Fields = e.Fields.Where(f => !VolatileFields.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) }));
    }

    public bool Watches(SnapshotEntry entry) => WatchedEntries.Contains((entry.Kind, entry.Key));
}

/// <summary>The categories under drift detection and their policies; network and cloud profiles are inventory, not persistence.</summary>
public static class IntegrityPolicies
{
    /// <summary>Security controls whose stopping is drift although a unit's run state is otherwise volatile.</summary>
    public static readonly IReadOnlyList<string> SecurityUnits = ["ufw.service", "firewalld.service", "auditd.service", "apparmor.service", "nftables.service"];

    public static readonly IReadOnlyList<IntegrityPolicy> All =
    [
        new() { Category = SnapshotCategories.Boot },
        new()
        {
            Category = SnapshotCategories.Services,
            // systemd's run state flips for every oneshot and timer-started unit.
            VolatileFields = new HashSet<string>(["active", "sub"], StringComparer.Ordinal),
            WatchedEntries = SecurityUnits.Select(unit => ("systemd-unit", unit)).ToHashSet(),
        },
        new() { Category = SnapshotCategories.Scheduled },
        new() { Category = SnapshotCategories.Autoruns },
        new()
        {
            // Processes come and go; the executables seen (path + hash) are the baseline.
            Category = SnapshotCategories.Processes,
            IgnoredKinds = new HashSet<string>(["process"], StringComparer.Ordinal),
            ReportsRemovals = false,
        },
    ];

    private static readonly Dictionary<string, IntegrityPolicy> s_byCategory = All.ToDictionary(p => p.Category, StringComparer.Ordinal);

    public static IntegrityPolicy? For(string category) => s_byCategory.GetValueOrDefault(category);

    public static bool Covers(string category) => s_byCategory.ContainsKey(category);
}
