using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Tenantra.Agent.Contracts;

namespace Tenantra.Benchmarks;

/// <summary>
/// One simulated machine's state for the ingestion load: per category a fixed number of entries
/// shaped like what the Linux collectors send (processes with their executables, sockets, systemd
/// units, cron entries; 4–8 fields of realistic sizes), of which a share changes between
/// consecutive snapshots (<see cref="s_changeShare"/>). Each snapshot has a new id. Deterministic
/// for a seed. Not thread-safe: one per simulated agent.
/// </summary>
internal sealed class SyntheticMachine
{
    /// <summary>Which categories the uploads are of, weighted like the default collection intervals
    /// (processes and network every 5 minutes, units and cron every 15), every one at full size.</summary>
    public static readonly IReadOnlyList<string> UploadOrder =
    [
        SnapshotCategories.Processes, SnapshotCategories.Network, SnapshotCategories.Processes, SnapshotCategories.Network,
        SnapshotCategories.Services, SnapshotCategories.Processes, SnapshotCategories.Network, SnapshotCategories.Scheduled,
    ];

    /// <summary>Share of entries that differ from the previous snapshot of the same category.</summary>
    private static readonly Dictionary<string, double> s_changeShare = new()
    {
        [SnapshotCategories.Processes] = 0.10,
        [SnapshotCategories.Network] = 0.10,
        [SnapshotCategories.Services] = 0.01,
        [SnapshotCategories.Scheduled] = 0.01,
    };

    private static readonly string[] s_users = ["root", "www-data", "postgres", "systemd-network", "messagebus", "app", "backup", "nobody"];
    private static readonly string[] s_directories = ["/usr/bin", "/usr/sbin", "/usr/lib/systemd", "/opt/app/bin", "/usr/local/bin", "/usr/libexec"];
    private static readonly string[] s_words =
        ["daemon", "agent", "worker", "sync", "monitor", "backup", "cache", "proxy", "scheduler", "indexer", "gateway", "exporter", "relay", "journal", "resolver"];

    private readonly Random _random;
    private readonly int _entries;
    private readonly Dictionary<string, List<SnapshotEntry>> _state = [];
    private int _nextPid = 1000;
    private int _nextPort = 20000;
    private int _nextUnit;
    private int _nextCron;

    public SyntheticMachine(int seed, int entries)
    {
        _random = new Random(seed);
        _entries = entries;
    }

    /// <summary>An upload body (gzip of the snapshot's JSON) and the size of that JSON.</summary>
    public sealed record Upload(byte[] Body, int JsonBytes);

    /// <summary>The next snapshot of <paramref name="category"/>, as the agent sends it.</summary>
    public Upload NextUpload(string category, DateTimeOffset collectedAt)
    {
        if (!_state.TryGetValue(category, out var entries))
        {
            _state[category] = entries = [.. Enumerable.Range(0, _entries).Select(_ => NewEntry(category))];
        }
        else
        {
            var changes = (int)Math.Round(entries.Count * s_changeShare[category]);
            for (var i = 0; i < changes; i++)
            {
                var index = _random.Next(entries.Count);
                entries[index] = Change(category, entries[index]);
            }
        }

        var snapshot = new Snapshot(SnapshotSchema.Version, Guid.CreateVersion7(), category, collectedAt, [.. entries]);
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, AgentJsonContext.Default.Snapshot);
        return new Upload(Gzip(json), json.Length);
    }

    /// <summary>Gzip as the agent compresses its queue files.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private SnapshotEntry NewEntry(string category) => category switch
    {
        SnapshotCategories.Processes => Process(_nextPid++),
        SnapshotCategories.Network => Socket(_nextPort++),
        SnapshotCategories.Services => Unit(_nextUnit++),
        SnapshotCategories.Scheduled => Cron(_nextCron++),
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "No synthetic entries for this category."),
    };

    /// <summary>Units are edited in place (same name, new content); processes, sockets and cron lines come and go (a new key).</summary>
    private SnapshotEntry Change(string category, SnapshotEntry entry) => category == SnapshotCategories.Services
        ? Unit(int.Parse(entry.Key.AsSpan(4, 4), CultureInfo.InvariantCulture))
        : NewEntry(category);

    /// <summary>Like the process collector: 7–8 fields, the command line the longest (40–240 characters).</summary>
    private SnapshotEntry Process(int pid)
    {
        var name = Word() + (_random.Next(3) == 0 ? "d" : "");
        var executable = $"{Pick(s_directories)}/{name}";
        var fields = new Dictionary<string, string?>
        {
            ["pid"] = pid.ToString(CultureInfo.InvariantCulture),
            ["ppid"] = _random.Next(1, pid).ToString(CultureInfo.InvariantCulture),
            ["name"] = name,
            ["user"] = Pick(s_users),
            ["executable"] = executable,
            ["sha256"] = Hex(32),
            ["commandLine"] = $"{executable} {Arguments(_random.Next(1, 8))}",
        };
        if (_random.Next(4) == 0)
        {
            fields["cwd"] = $"/var/lib/{name}";
        }

        return new SnapshotEntry("process", pid.ToString(CultureInfo.InvariantCulture), fields);
    }

    /// <summary>Like the socket collector: 5–8 fields; listening sockets have no remote end.</summary>
    private SnapshotEntry Socket(int port)
    {
        var listening = _random.Next(3) == 0;
        var protocol = _random.Next(5) == 0 ? "udp" : "tcp";
        var local = $"10.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}:{port}";
        var fields = new Dictionary<string, string?>
        {
            ["protocol"] = protocol,
            ["local"] = local,
            ["state"] = listening ? "listen" : "established",
            ["inode"] = _random.Next(10_000, 9_999_999).ToString(CultureInfo.InvariantCulture),
            ["user"] = Pick(s_users),
        };
        if (!listening)
        {
            fields["remote"] = $"{_random.Next(1, 224)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}:{_random.Next(1, 65536)}";
            fields["pid"] = _random.Next(1000, 60_000).ToString(CultureInfo.InvariantCulture);
            fields["process"] = Word();
        }

        return new SnapshotEntry("socket", $"{protocol} {(listening ? "listen" : "established")} {local}", fields);
    }

    /// <summary>Like the systemd unit collector: 6–8 fields with the file's hash, description and ExecStart.</summary>
    private SnapshotEntry Unit(int number)
    {
        var name = $"svc-{number:D4}-{s_words[number % s_words.Length]}.service";
        var fields = new Dictionary<string, string?>
        {
            ["path"] = $"/lib/systemd/system/{name}",
            ["sha256"] = Hex(32),
            ["enabled"] = _random.Next(3) == 0 ? "disabled" : "enabled",
            ["Description"] = $"{char.ToUpperInvariant(Word()[0])}{Word()[1..]} {Word()} service for {Word()} {Word()}",
            ["Type"] = _random.Next(2) == 0 ? "simple" : "notify",
            ["ExecStart"] = $"{Pick(s_directories)}/{Word()} {Arguments(_random.Next(0, 4))}".TrimEnd(),
        };
        if (_random.Next(2) == 0)
        {
            fields["User"] = Pick(s_users);
            fields["WantedBy"] = "multi-user.target";
        }

        return new SnapshotEntry("systemd-unit", name, fields);
    }

    /// <summary>Like the cron collector: 4 fields, keyed by source and line.</summary>
    private SnapshotEntry Cron(int number)
    {
        var source = $"/etc/cron.d/{Word()}-{number / 10:D3}";
        var schedule = $"{_random.Next(60)} {_random.Next(24)} * * {_random.Next(7)}";
        var command = $"{Pick(s_directories)}/{Word()} --job {number} {Arguments(_random.Next(1, 5))}";
        return new SnapshotEntry("cron-entry", $"{source}:{schedule} root {command}", new Dictionary<string, string?>
        {
            ["source"] = source,
            ["schedule"] = schedule,
            ["user"] = "root",
            ["command"] = command,
        });
    }

    private string Arguments(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => _random.Next(3) switch
    {
        0 => $"--{Word()}={Word()}",
        1 => $"--{Word()}-port={_random.Next(1024, 65536)}",
        _ => $"/etc/{Word()}/{Word()}.conf",
    }));

    private string Word() => Pick(s_words);

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private string Hex(int bytes)
    {
        var buffer = new byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
