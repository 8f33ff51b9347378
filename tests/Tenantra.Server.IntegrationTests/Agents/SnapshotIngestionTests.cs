using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Agent.Contracts;
using Tenantra.Data;
using Tenantra.Server.Agents;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

public sealed class SnapshotIngestionTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private static Snapshot Services(params string[] units) =>
        TestAgent.Snapshot("services", [.. units.Select(u => TestAgent.Entry("systemd-unit", u, ("ExecStart", $"/usr/sbin/{u}"), ("enabled", "enabled")))]);

    [Fact]
    public async Task A_snapshot_is_stored_once_and_becomes_the_assets_current_state()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var snapshot = Services("ssh.service", "cron.service", "nginx.service");

        var first = await ResponseAssert.ReadAsync(await agent.UploadAsync(snapshot), HttpStatusCode.OK);
        var again = await ResponseAssert.ReadAsync(await agent.UploadAsync(snapshot), HttpStatusCode.OK);

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await CountSnapshotsAsync(tenant, agent.AgentId));
        var state = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/state/services"), HttpStatusCode.OK);
        Assert.Equal(["cron.service", "nginx.service", "ssh.service"], state.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        Assert.Equal("/usr/sbin/nginx.service", state.GetProperty("items")[1].GetProperty("fields").GetProperty("ExecStart").GetString());
        var searched = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/state/services?q=ngin"), HttpStatusCode.OK);
        Assert.Equal(1, searched.GetProperty("total").GetInt32());
        var detail = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}"), HttpStatusCode.OK);
        var category = Assert.Single(detail.GetProperty("categories").EnumerateArray());
        Assert.Equal(3, category.GetProperty("entryCount").GetInt32());
        Assert.Equal(SnapshotContent.Hash(snapshot.Entries), category.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task An_older_snapshot_arriving_late_is_history_but_does_not_replace_the_current_state()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var newer = Services("new.service");
        var older = Services("old.service") with { CollectedAt = newer.CollectedAt.AddMinutes(-30) };

        await ResponseAssert.ReadAsync(await agent.UploadAsync(newer), HttpStatusCode.OK);
        await ResponseAssert.ReadAsync(await agent.UploadAsync(older), HttpStatusCode.OK);

        Assert.Equal(2, await CountSnapshotsAsync(tenant, agent.AgentId));
        var state = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/state/services"), HttpStatusCode.OK);
        Assert.Equal("new.service", Assert.Single(state.GetProperty("items").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_newer_snapshot_replaces_the_current_state_of_its_category()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var second = Services("kept.service", "new.service", "third.service");
        var first = Services("old.service", "kept.service") with { CollectedAt = second.CollectedAt.AddMinutes(-15) };

        await ResponseAssert.ReadAsync(await agent.UploadAsync(first), HttpStatusCode.OK);
        await ResponseAssert.ReadAsync(await agent.UploadAsync(second), HttpStatusCode.OK);

        var state = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/state/services"), HttpStatusCode.OK);
        Assert.Equal(["kept.service", "new.service", "third.service"], state.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        var detail = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}"), HttpStatusCode.OK);
        var category = Assert.Single(detail.GetProperty("categories").EnumerateArray());
        Assert.Equal(3, category.GetProperty("entryCount").GetInt32());
        Assert.Equal(SnapshotContent.Hash(second.Entries), category.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task An_upload_marks_the_asset_seen_whether_it_is_new_or_a_duplicate_and_changes_nothing_else_of_it()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var longAgo = DateTimeOffset.UtcNow.AddDays(-3);
        var snapshot = Services("ssh.service");

        await SetLastSeenAsync(tenant, agent.AgentId, longAgo);
        await ResponseAssert.ReadAsync(await agent.UploadAsync(snapshot), HttpStatusCode.OK);
        var afterUpload = await AssetAsync(tenant, agent.AgentId);
        await SetLastSeenAsync(tenant, agent.AgentId, longAgo);
        await ResponseAssert.ReadAsync(await agent.UploadAsync(snapshot), HttpStatusCode.OK);
        var afterDuplicate = await AssetAsync(tenant, agent.AgentId);

        Assert.True(afterUpload.LastSeenAt > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(afterDuplicate.LastSeenAt > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal("test-host", afterUpload.Hostname);
        Assert.Equal(afterUpload.PublicKey, afterDuplicate.PublicKey);
    }

    [Fact]
    public async Task Payloads_are_encrypted_at_rest_and_stay_readable_after_a_key_rotation()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        const string Marker = "very-recognisable-unit-name.service";
        await ResponseAssert.ReadAsync(await agent.UploadAsync(Services(Marker)), HttpStatusCode.OK);
        var keys = shared.App.Services.GetRequiredService<PayloadKeyRing>();
        var rotated = await keys.RotateAsync();
        await ResponseAssert.ReadAsync(await agent.UploadAsync(Services(Marker, "second.service")), HttpStatusCode.OK);

        var stored = await shared.App.InTenantAsync(tenant, services =>
            services.GetRequiredService<TenantraDbContext>().Snapshots.Where(s => s.AssetId == agent.AgentId).OrderBy(s => s.ReceivedAt).ToListAsync());

        Assert.Equal(2, stored.Count);
        Assert.Equal(rotated, stored[1].KeyId);
        Assert.NotEqual(stored[0].KeyId, stored[1].KeyId);
        foreach (var record in stored)
        {
            Assert.DoesNotContain(Marker, Encoding.Latin1.GetString(record.Payload), StringComparison.Ordinal);
            var json = Gunzip(await keys.DecryptAsync(record.KeyId, record.Payload));
            Assert.Contains(Marker, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_that_is_not_gzip_or_is_corrupt_is_a_400_and_stores_nothing()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var valid = TestAgent.Gzip(Encoding.UTF8.GetBytes("{}"));

        await ResponseAssert.ProblemAsync(await agent.UploadRawAsync(Encoding.UTF8.GetBytes("""{"schemaVersion":1}""")), HttpStatusCode.BadRequest);
        await ResponseAssert.ProblemAsync(await agent.UploadRawAsync(valid[..(valid.Length / 2)]), HttpStatusCode.BadRequest);
        await ResponseAssert.ProblemAsync(await agent.UploadRawAsync([]), HttpStatusCode.BadRequest);

        Assert.Equal(0, await CountSnapshotsAsync(tenant, agent.AgentId));
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_decompressed_limit_with_a_413()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var bomb = ZerosGzipped(SnapshotSchema.MaxUncompressedBytes + (1 << 20));

        Assert.True(bomb.Length < 200_000, $"The bomb is {bomb.Length} bytes compressed.");
        var problem = await ResponseAssert.ProblemAsync(await agent.UploadRawAsync(bomb), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("decompressed", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountSnapshotsAsync(tenant, agent.AgentId));
    }

    [Fact]
    public async Task A_body_over_the_compressed_limit_is_a_413_before_it_is_read()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var huge = new byte[SnapshotSchema.MaxCompressedBytes + 1];
        huge[0] = 0x1f;
        huge[1] = 0x8b;

        await ResponseAssert.ProblemAsync(await agent.UploadRawAsync(huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await CountSnapshotsAsync(tenant, agent.AgentId));
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[]}""", "schemaVersion")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"kernel","collectedAt":"2026-11-22T00:00:00Z","entries":[]}""", "category")]
    [InlineData("""{"schemaVersion":"1","snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[]}""", "schemaVersion")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[],"extra":1}""", "extra")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2099-01-01T00:00:00Z","entries":[]}""", "collectedAt")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[{"kind":"u","key":"a","fields":{}},{"kind":"u","key":"a","fields":{}}]}""", "entries[1].key")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[{"kind":"u","key":"a\u0000b","fields":{}}]}""", "entries[0].key")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[{"kind":"","key":"a","fields":{}}]}""", "entries[0].kind")]
    [InlineData("""{"schemaVersion":1,"snapshotId":"0193e4a0-0000-7000-8000-000000000001","category":"services","collectedAt":"2026-11-22T00:00:00Z","entries":[{"kind":"u","key":"a","fields":{"x":{"deep":1}}}]}""", "entries[0].fields.x")]
    public async Task An_invalid_snapshot_is_a_400_naming_the_field_and_stores_nothing(string json, string field)
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;

        var problem = await ResponseAssert.ProblemAsync(await agent.UploadRawAsync(TestAgent.Gzip(Encoding.UTF8.GetBytes(json))), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var named) && named.GetArrayLength() > 0, $"expected an error for {field}: {errors}");
        Assert.Equal(0, await CountSnapshotsAsync(tenant, agent.AgentId));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_an_assets_state()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        await ResponseAssert.ReadAsync(await agent.UploadAsync(Services("ssh.service")), HttpStatusCode.OK);
        var (other, otherAdmin) = await shared.Data.TenantWithAdminAsync();

        await ResponseAssert.ProblemAsync(await otherAdmin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/state/services"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(await otherAdmin.GetAsync($"/api/v1/tenants/{other}/assets/{agent.AgentId}/state/services"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(await otherAdmin.GetAsync($"/api/v1/tenants/{other}/assets/{agent.AgentId}"), HttpStatusCode.NotFound);
    }

    private Task<Core.Agents.Asset> AssetAsync(Guid tenant, Guid assetId) =>
        shared.App.InTenantAsync(tenant, services => services.GetRequiredService<TenantraDbContext>().Assets.SingleAsync(a => a.Id == assetId));

    private Task<int> SetLastSeenAsync(Guid tenant, Guid assetId, DateTimeOffset at) =>
        shared.App.InTenantAsync(tenant, services =>
            services.GetRequiredService<TenantraDbContext>().Assets.Where(a => a.Id == assetId).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, at)));

    private Task<int> CountSnapshotsAsync(Guid tenant, Guid assetId) =>
        shared.App.InTenantAsync(tenant, services => services.GetRequiredService<TenantraDbContext>().Snapshots.CountAsync(s => s.AssetId == assetId));

    private static string Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] ZerosGzipped(int size)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var written = 0; written < size; written += zeros.Length)
            {
                gzip.Write(zeros, 0, Math.Min(zeros.Length, size - written));
            }
        }

        return output.ToArray();
    }
}
