using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Agent.Contracts;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

/// <summary>
/// 10,000 malformed, truncated, oversized and hostile uploads from a genuine (signed) agent: never a
/// 5xx, and exactly the accepted ones stored. Generated from a fixed seed, so a failure replays.
/// </summary>
public sealed class HostileSnapshotTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private const int Uploads = 10_000;

    [Fact]
    public async Task Ten_thousand_hostile_snapshots_get_no_5xx_and_only_accepted_ones_are_stored()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var random = new Random(20261122);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var accepted = new HashSet<Guid>();
        var byKind = new Dictionary<string, int>();

        for (var i = 0; i < Uploads; i++)
        {
            var (kind, body) = HostileBody(random, i);
            using var response = await agent.UploadRawAsync(body);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            Assert.True((int)response.StatusCode < 500, $"upload {i} ({kind}) got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                if (!answer.GetProperty("duplicate").GetBoolean())
                {
                    accepted.Add(answer.GetProperty("snapshotId").GetGuid());
                }
            }
            else
            {
                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        var stored = await shared.App.InTenantAsync(tenant, services =>
            services.GetRequiredService<TenantraDbContext>().Snapshots.Where(s => s.AssetId == agent.AgentId).Select(s => s.Id).ToListAsync());
        Assert.Equal(accepted.Order(), stored.Order());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > Uploads / 2, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(byKind.Count >= 12, string.Join(", ", byKind.Keys));
        // The agent is still in good standing after all that.
        await ResponseAssert.ReadAsync(await agent.HeartbeatAsync(), HttpStatusCode.OK);
    }

    private static (string Kind, byte[] Body) HostileBody(Random random, int index)
    {
        var json = Encoding.UTF8.GetBytes(ValidJson(random));
        switch (index % 16)
        {
            case 0:
                return ("valid", TestAgent.Gzip(json));
            case 1:
                return ("truncated json", TestAgent.Gzip(json[..random.Next(0, json.Length)]));
            case 2:
                var flipped = (byte[])json.Clone();
                for (var n = random.Next(1, 5); n > 0; n--)
                {
                    flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                }

                return ("flipped bytes", TestAgent.Gzip(flipped));
            case 3:
                var gzip = TestAgent.Gzip(json);
                return ("truncated gzip", gzip[..random.Next(0, gzip.Length)]);
            case 4:
                return ("not gzip", json);
            case 5:
                return ("wrong types", TestAgent.Gzip(Encoding.UTF8.GetBytes(WrongTypes(random))));
            case 6:
                var depth = random.Next(17, 400);
                return ("deep nesting", TestAgent.Gzip(Encoding.UTF8.GetBytes(
                    $$"""{"schemaVersion":1,"snapshotId":"{{Guid.NewGuid()}}","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":{{new string('[', depth)}}{{new string(']', depth)}}}""")));
            case 7:
                return ("huge string", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("services", Entry("u", "k", ("v", new string('x', random.Next(32_769, 200_000))))))));
            case 8:
                return ("huge key", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("services", Entry("u", new string('k', random.Next(1_025, 5_000)))))));
            case 9:
                return ("too many fields", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("services", Entry("u", "k", [.. Enumerable.Range(0, 65 + random.Next(50)).Select(n => ($"f{n}", "v"))])))));
            case 10:
                var control = (char)random.Next(0, 32);
                return ("control characters", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("services", Entry("u", $"a{control}b")))));
            case 11:
                return ("duplicate entries", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("services", Entry("u", "same"), Entry("u", "same")))));
            case 12:
                return ("invalid utf-8", TestAgent.Gzip([.. json[..(json.Length / 2)], 0xC3, 0x28, 0xFF, .. json[(json.Length / 2)..]]));
            case 13:
                return ("unknown field", TestAgent.Gzip(Encoding.UTF8.GetBytes(ValidJson(random).Replace("\"entries\"", "\"sneaky\":true,\"entries\"", StringComparison.Ordinal))));
            case 14:
                return ("hostile text", TestAgent.Gzip(Encoding.UTF8.GetBytes(Snapshot("processes", Entry("process", "<script>alert(1)</script>", ("cmd", "'; DROP TABLE snapshots; --"), ("path", "../../../etc/passwd"), ("emoji", "💥\u202e"))))));
            default:
                return index % 1000 == 15 ? ("gzip bomb", GzipBomb()) : ("empty body", []);
        }
    }

    private static string ValidJson(Random random) =>
        Snapshot(SnapshotCategories.All[random.Next(SnapshotCategories.All.Count)],
            [.. Enumerable.Range(0, random.Next(0, 20)).Select(n => Entry("kind", $"key-{n}-{random.Next()}", ("a", "1"), ("b", null)))]);

    private static string WrongTypes(Random random) => random.Next(5) switch
    {
        0 => """{"schemaVersion":"one","snapshotId":"x","category":5,"collectedAt":true,"entries":{}}""",
        1 => """{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[{"kind":1,"key":[],"fields":"x"}]}""",
        2 => """[1,2,3]""",
        3 => """null""",
        _ => """{"schemaVersion":1.5e400,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[]}""",
    };

    private static SnapshotEntry Entry(string kind, string key, params (string Name, string? Value)[] fields) => TestAgent.Entry(kind, key, fields);

    private static string Snapshot(string category, params SnapshotEntry[] entries) =>
        JsonSerializer.Serialize(TestAgent.Snapshot(category, entries), AgentJsonContext.Default.Snapshot);

    private static readonly Lazy<byte[]> s_gzipBomb = new(() => TestAgent.Gzip(new byte[SnapshotSchema.MaxUncompressedBytes + 1024]));

    private static byte[] GzipBomb() => s_gzipBomb.Value;
}
