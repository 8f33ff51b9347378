using Tenantra.Agent.Contracts;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>One change against the baseline, judged: its severity and the rules that set it.</summary>
public sealed record DriftFinding(EntryChange Change, SnapshotEntry? Before, SnapshotEntry? After, NotificationSeverity Severity, IReadOnlyList<string> RuleKeys);

/// <summary>
/// Compares the current state of a category with its baseline under the category's policy, drops
/// what the tenant suppressed, and judges the rest with the tenant's severity rules.
/// </summary>
public static class DriftEvaluation
{
    public static List<DriftFinding> Evaluate(
        IntegrityPolicy policy, IReadOnlyList<SnapshotEntry> baseline, IReadOnlyList<SnapshotEntry> current, Suppressions suppressions, SeverityRuleSet rules)
    {
        var before = Evaluated(policy, baseline);
        var now = Evaluated(policy, current);
        var changes = SnapshotDiff.Compare(before, now, policy.VolatileFields);
        if (policy.WatchedEntries.Count > 0)
        {
            // Watched entries are compared again with every field, and that comparison wins.
            var watched = SnapshotDiff.Compare([.. before.Where(policy.Watches)], [.. now.Where(policy.Watches)], new HashSet<string>());
            changes.RemoveAll(c => policy.WatchedEntries.Contains((c.Kind, c.Key)));
            changes.AddRange(watched);
        }

        var findings = new List<DriftFinding>(changes.Count);
        if (changes.Count == 0)
        {
            return findings;
        }

        var beforeByKey = Index(before, changes);
        var nowByKey = Index(now, changes);
        foreach (var raw in changes)
        {
            if ((raw.Change == EntryChangeKind.Removed && !policy.ReportsRemovals) || suppressions.Apply(raw) is not { } change)
            {
                continue;
            }

            var context = new ChangeContext(policy.Category, change, beforeByKey.GetValueOrDefault((change.Kind, change.Key)), nowByKey.GetValueOrDefault((change.Kind, change.Key)));
            var (severity, ruleKeys) = rules.Judge(context);
            findings.Add(new DriftFinding(change, context.Before, context.After, severity, ruleKeys));
        }

        return findings;
    }

    private static IReadOnlyList<SnapshotEntry> Evaluated(IntegrityPolicy policy, IReadOnlyList<SnapshotEntry> entries) =>
        policy.IgnoredKinds.Count == 0 ? entries : [.. entries.Where(policy.Evaluates)];

    /// <summary>The entries the changes name, by identity (few: only changed ones are looked up).</summary>
    private static Dictionary<(string Kind, string Key), SnapshotEntry> Index(IReadOnlyList<SnapshotEntry> entries, List<EntryChange> changes)
    {
        var wanted = changes.Select(c => (c.Kind, c.Key)).ToHashSet();
        var index = new Dictionary<(string Kind, string Key), SnapshotEntry>();
        foreach (var entry in entries)
        {
            if (wanted.Contains((entry.Kind, entry.Key)))
            {
                index[(entry.Kind, entry.Key)] = entry;
            }
        }

        return index;
    }
}
