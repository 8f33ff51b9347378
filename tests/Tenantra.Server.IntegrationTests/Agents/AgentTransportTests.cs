using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Tenantra.Agent.Contracts;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

/// <summary>Every request after enrollment is signed; each way of getting that wrong is refused.</summary>
public sealed class AgentTransportTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    [Fact]
    public async Task A_signed_heartbeat_updates_the_asset_and_answers_with_the_default_policy()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;

        var answer = await ResponseAssert.ReadAsync(
            await agent.HeartbeatAsync(new HeartbeatRequest("0.2.0", "web-02", "linux", "Debian 12.8", 3600, ["10.1.2.3", "fe80::1"], 4)), HttpStatusCode.OK);

        Assert.Equal(300, answer.GetProperty("policy").GetProperty("intervalSeconds").GetProperty("processes").GetInt32());
        Assert.Equal(3600, answer.GetProperty("policy").GetProperty("intervalSeconds").GetProperty("boot").GetInt32());
        var asset = (await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}"), HttpStatusCode.OK)).GetProperty("asset");
        Assert.Equal("0.2.0", asset.GetProperty("agentVersion").GetString());
        Assert.Equal("web-02", asset.GetProperty("hostname").GetString());
        Assert.Equal(["10.1.2.3", "fe80::1"], asset.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(4, asset.GetProperty("droppedSnapshots").GetInt64());
    }

    [Fact]
    public async Task A_request_signed_with_another_key_is_refused()
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var forged = agent.CreateClient(() => stranger);

        var problem = await ResponseAssert.ProblemAsync(await forged.PostAsJsonAsync("/api/v1/agent/heartbeat", new { agentVersion = "x" }), HttpStatusCode.Unauthorized);

        Assert.Contains("signature", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public async Task A_timestamp_more_than_300_seconds_off_is_refused(int skewSeconds)
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        agent.ClockShift = TimeSpan.FromSeconds(skewSeconds);

        var problem = await ResponseAssert.ProblemAsync(await agent.HeartbeatAsync(), HttpStatusCode.Unauthorized);

        Assert.Contains("300 seconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        agent.ClockShift = TimeSpan.FromSeconds(Math.Sign(skewSeconds) * 240);
        await ResponseAssert.ReadAsync(await agent.HeartbeatAsync(), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_same_signed_request_sent_twice_is_refused_the_second_time()
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var body = Encoding.UTF8.GetBytes("""{"agentVersion":"0.1.0"}""");
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = AgentRequestSignature.NewNonce();
        var signature = AgentRequestSignature.Sign(agent.Key, "POST", "/api/v1/agent/heartbeat", seconds, nonce, body);
        using var raw = shared.App.CreateClient();

        HttpRequestMessage Captured()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/heartbeat") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(AgentRequestSignature.AgentHeader, agent.AgentId.ToString());
            request.Headers.Add(AgentRequestSignature.TimestampHeader, seconds.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(AgentRequestSignature.NonceHeader, nonce);
            request.Headers.Add(AgentRequestSignature.SignatureHeader, signature);
            return request;
        }

        await ResponseAssert.ReadAsync(await raw.SendAsync(Captured()), HttpStatusCode.OK);
        var replay = await ResponseAssert.ProblemAsync(await raw.SendAsync(Captured()), HttpStatusCode.Unauthorized);

        Assert.Contains("replayed", replay.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = AgentRequestSignature.NewNonce();
        var signature = AgentRequestSignature.Sign(agent.Key, "POST", "/api/v1/agent/heartbeat", seconds, nonce, """{"agentVersion":"0.1.0"}"""u8);
        using var raw = shared.App.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/heartbeat") { Content = new StringContent("""{"agentVersion":"9.9.9"}""", Encoding.UTF8, "application/json") };
        request.Headers.Add(AgentRequestSignature.AgentHeader, agent.AgentId.ToString());
        request.Headers.Add(AgentRequestSignature.TimestampHeader, seconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(AgentRequestSignature.NonceHeader, nonce);
        request.Headers.Add(AgentRequestSignature.SignatureHeader, signature);

        await ResponseAssert.ProblemAsync(await raw.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unsigned_and_unknown_agents_are_refused()
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        using var unknown = agent.CreateClient(() => agent.Key, agentId: Guid.NewGuid());
        using var unsigned = shared.App.CreateClient();

        await ResponseAssert.ProblemAsync(await unknown.PostAsJsonAsync("/api/v1/agent/heartbeat", new { }), HttpStatusCode.Unauthorized);
        await ResponseAssert.ProblemAsync(await unsigned.PostAsJsonAsync("/api/v1/agent/heartbeat", new { }), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"bogus":1}""")]
    [InlineData("""not json at all""")]
    public async Task An_unsigned_request_is_refused_before_its_body_is_read(string body)
    {
        using var unsigned = shared.App.CreateClient();

        var problem = await ResponseAssert.ProblemAsync(
            await unsigned.PostAsync("/api/v1/agent/heartbeat", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.Unauthorized);

        Assert.False(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task A_revoked_agent_is_refused_from_its_next_request()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        await ResponseAssert.ReadAsync(await agent.HeartbeatAsync(), HttpStatusCode.OK);

        await ResponseAssert.ReadAsync(await admin.PostAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/revoke", null), HttpStatusCode.OK);

        await ResponseAssert.ProblemAsync(await agent.HeartbeatAsync(), HttpStatusCode.Unauthorized);
        await ResponseAssert.ProblemAsync(await agent.UploadAsync(TestAgent.Snapshot("services")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_agent_reaches_no_tenant_api_and_an_agent_of_a_suspended_tenant_is_refused()
    {
        var (tenant, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var (other, _) = await shared.Data.TenantWithAdminAsync();

        await ResponseAssert.ProblemAsync(await agent.Client.GetAsync($"/api/v1/tenants/{other}/assets"), HttpStatusCode.Unauthorized);
        await ResponseAssert.ProblemAsync(await agent.Client.GetAsync($"/api/v1/tenants/{tenant}/assets"), HttpStatusCode.Unauthorized);

        await shared.App.InPlatformAsync(async db =>
        {
            var row = await db.Tenants.FindAsync(tenant);
            row!.Status = Core.Tenancy.TenantStatus.Suspended;
            return await db.SaveChangesAsync();
        });

        await ResponseAssert.ProblemAsync(await agent.HeartbeatAsync(), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Key_rotation_switches_to_the_new_key_at_once()
    {
        var (_, _, agent) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var _ = agent;
        var old = agent.Key;
        using var oldClient = agent.CreateClient(() => old);
        var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await ResponseAssert.ReadAsync(
            await agent.Client.PostAsJsonAsync("/api/v1/agent/rotate-key", new RotateKeyRequest(TestAgent.PublicKeyOf(fresh)), AgentJsonContext.Default.RotateKeyRequest), HttpStatusCode.NoContent);
        agent.Key = fresh;

        await ResponseAssert.ReadAsync(await agent.HeartbeatAsync(), HttpStatusCode.OK);
        await ResponseAssert.ProblemAsync(await oldClient.PostAsJsonAsync("/api/v1/agent/heartbeat", new { }), HttpStatusCode.Unauthorized);
        old.Dispose();
    }

    [Fact]
    public async Task Collection_policy_follows_the_group_then_the_tenant_then_the_defaults()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var group = await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/asset-groups", new { name = "dmz" }), HttpStatusCode.Created);
        var groupId = group.GetProperty("id").GetGuid();
        var (token, _, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant, new { label = "dmz", assetGroupId = groupId });
        using var agent = await TestAgent.EnrollAsync(shared.App, token);

        await ResponseAssert.ReadAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/collection-policy", new { intervalSeconds = new Dictionary<string, int> { ["processes"] = 600, ["network"] = 900 } }), HttpStatusCode.OK);
        await ResponseAssert.ReadAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/collection-policy", new { groupId, intervalSeconds = new Dictionary<string, int> { ["processes"] = 120 } }), HttpStatusCode.OK);
        var refused = await ResponseAssert.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/collection-policy", new { intervalSeconds = new Dictionary<string, int> { ["processes"] = 5, ["nonsense"] = 600 } }), HttpStatusCode.BadRequest);

        var intervals = (await ResponseAssert.ReadAsync(await agent.HeartbeatAsync(), HttpStatusCode.OK)).GetProperty("policy").GetProperty("intervalSeconds");
        Assert.Equal(120, intervals.GetProperty("processes").GetInt32());
        Assert.Equal(900, intervals.GetProperty("network").GetInt32());
        Assert.Equal(3600, intervals.GetProperty("boot").GetInt32());
        Assert.True(refused.GetProperty("errors").TryGetProperty("intervalSeconds.processes", out _));
        Assert.True(refused.GetProperty("errors").TryGetProperty("intervalSeconds.nonsense", out _));
    }
}
