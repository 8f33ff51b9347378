using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Integrity;

namespace Tenantra.Benchmarks;

/// <summary>
/// The drift diff (<see cref="SnapshotDiff"/>) of a baseline against a later state of the same
/// size, reordered, with 1% of entries changed, 0.5% removed and 0.5% added and volatile fields
/// changed everywhere — the usual shape of a collection against its baseline. Both sides are parsed
/// from JSON, as the drift evaluation gets them. <see cref="Stored"/>: both in canonical order, as
/// ingestion and the baseline store keep them (the diff walks them in step); otherwise the current
/// side in collection order — shuffled — as an unsorted input is (matched through the table). One
/// core (the diff is single-threaded). Targets: 10,000 entries ≤ 2 ms, 1,000,000 ≤ 1 s.
/// </summary>
[MemoryDiagnoser]
public class SnapshotDiffBenchmarks
{
    private static readonly HashSet<string> s_volatile = ["pid", "started", "next_run"];
    private List<SnapshotEntry> _baseline = [];
    private List<SnapshotEntry> _current = [];

    [Params(10_000, 1_000_000)]
    public int Entries { get; set; }

    [Params(true, false)]
    public bool Stored { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        SnapshotEntry Make(int i) => new("unit", $"/etc/systemd/system/service-{i}.service", new Dictionary<string, string?>
        {
            ["ExecStart"] = $"/usr/bin/daemon-{i} --config /etc/daemon-{i}.conf",
            ["User"] = i % 7 == 0 ? "root" : $"svc{i % 100}",
            ["WantedBy"] = "multi-user.target",
            ["pid"] = random.Next(1, 65000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["started"] = "2026-11-22T10:00:00Z",
        });
        _baseline = [.. Enumerable.Range(0, Entries).Select(Make)];
        _current = [];
        foreach (var entry in _baseline)
        {
            var roll = random.Next(1000);
            if (roll < 5)
            {
                continue; // removed
            }

            var fields = new Dictionary<string, string?>(entry.Fields) { ["pid"] = random.Next(1, 65000).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (roll < 15)
            {
                fields["ExecStart"] = "/tmp/.x/payload";
            }

            _current.Add(entry with { Fields = fields });
        }

        _current.AddRange(Enumerable.Range(Entries, Entries / 200).Select(Make));
        _current = Stored ? [.. SnapshotContent.InCanonicalOrder(_current)] : [.. _current.OrderBy(_ => random.Next())];
        _baseline = [.. SnapshotContent.InCanonicalOrder(_baseline)];

        // Both sides as the server has them: parsed from JSON (the stored state and the upload), so each
        // list's entries lie in memory in list order, as they do in production.
        _baseline = RoundTrip(_baseline);
        _current = RoundTrip(_current);
    }

    private static List<SnapshotEntry> RoundTrip(List<SnapshotEntry> entries) =>
        [.. JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(entries, AgentJsonContext.Default.IReadOnlyListSnapshotEntry), AgentJsonContext.Default.IReadOnlyListSnapshotEntry)!];

    [Benchmark]
    public int Diff() => SnapshotDiff.Compare(_baseline, _current, s_volatile).Count;
}
