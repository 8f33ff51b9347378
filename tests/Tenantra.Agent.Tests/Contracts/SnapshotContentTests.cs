using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Contracts;

public sealed class SnapshotContentTests
{
    private static SnapshotEntry Entry(string kind, string key, params (string Name, string? Value)[] fields) =>
        new(kind, key, fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal));

    private static readonly SnapshotEntry[] s_entries =
    [
        Entry("systemd-unit", "ssh.service", ("execStart", "/usr/sbin/sshd -D"), ("enabled", "enabled"), ("description", null)),
        Entry("cron", "/etc/crontab:3", ("command", "run-parts /etc/cron.hourly"), ("schedule", "17 * * * *")),
        Entry("systemd-unit", "cron.service", ("execStart", "/usr/sbin/cron -f"), ("user", "root — ünïcode")),
    ];

    [Fact]
    public void The_hash_is_the_published_canonical_form_so_agent_and_server_versions_agree()
    {
        // Computed independently (Python's hashlib) from the canonical form: entries by kind then key, fields by
        // name, nulls left out, every string length-prefixed UTF-8, entries ended by U+001E. A change breaks every stored hash.
        Assert.Equal("3f49b1f08aa9c5d6485c0a66efc2d3edfe3e31650f4925e9ba7d7ce955016fde", SnapshotContent.Hash(s_entries));
    }

    [Fact]
    public void Neither_entry_nor_field_order_nor_null_fields_change_the_hash_but_any_value_does()
    {
        var reordered = s_entries.Reverse().Select(e => e with { Fields = e.Fields.Reverse().Where(f => f.Value is not null).ToDictionary(StringComparer.Ordinal) });
        var changed = s_entries.Select((e, i) => i == 1 ? e with { Fields = new Dictionary<string, string?>(e.Fields) { ["schedule"] = "18 * * * *" } } : e);
        // Moving text between neighbouring strings must not collide (the length prefixes see to it).
        var shifted = s_entries.Select((e, i) => i == 0 ? e with { Kind = "systemd-uni", Key = "tssh.service" } : e);

        var hash = SnapshotContent.Hash(s_entries);
        Assert.Equal(hash, SnapshotContent.Hash(reordered));
        Assert.NotEqual(hash, SnapshotContent.Hash(changed));
        Assert.NotEqual(hash, SnapshotContent.Hash(shifted));
        Assert.Equal(64, hash.Length);
    }

    [Fact]
    public void Values_longer_than_any_buffer_hash_as_their_bytes()
    {
        var big = new string('x', 300_000) + "é";
        var a = SnapshotContent.Hash([Entry("file", "a", ("content", big))]);
        var b = SnapshotContent.Hash([Entry("file", "a", ("content", big[..^1] + "e"))]);

        Assert.NotEqual(a, b);
        Assert.Equal(a, SnapshotContent.Hash([Entry("file", "a", ("content", new string('x', 300_000) + "é"))]));
    }
}
