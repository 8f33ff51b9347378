using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Data;
using Tenantra.Server.Identity;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

public sealed class EnrollmentTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private static EnrollRequest Request(string token, string? machineId = null, string? publicKey = null) =>
        new EnrollRequest(token, publicKey ?? TestAgent.PublicKeyOf(ECDsa.Create(ECCurve.NamedCurves.nistP256)), machineId ?? Guid.NewGuid().ToString("N"), "host-1", "linux", "Debian 12", "0.1.0");

    [Fact]
    public async Task A_token_shows_its_secret_and_install_commands_once_and_enrolls_an_agent_as_an_asset()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var (token, tokenId, created) = await AgentTestSupport.CreateTokenAsync(admin, tenant);

        Assert.StartsWith("tne_", token, StringComparison.Ordinal);
        var instructions = created.GetProperty("installInstructions");
        Assert.Contains($"--token {token}", instructions.GetProperty("linux").GetString(), StringComparison.Ordinal);
        Assert.Contains($"--token {token}", instructions.GetProperty("windows").GetString(), StringComparison.Ordinal);
        var listed = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/enrollment-tokens"), HttpStatusCode.OK);
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);

        using var agent = await TestAgent.EnrollAsync(shared.App, token, hostname: "web-01");

        Assert.Equal(tenant, agent.TenantId);
        var asset = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}"), HttpStatusCode.OK);
        Assert.Equal("web-01", asset.GetProperty("asset").GetProperty("hostname").GetString());
        Assert.Equal("online", asset.GetProperty("asset").GetProperty("status").GetString());
        var tokenRow = (await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/enrollment-tokens"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == tokenId);
        Assert.Equal(1, tokenRow.GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task A_token_stops_at_its_use_limit_and_when_revoked()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var (limited, _, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant, new { label = "one", maxUses = 1 });
        var (revoked, revokedId, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant, new { label = "two" });

        await ResponseAssert.ReadAsync(await TestAgent.EnrollRawAsync(shared.App, Request(limited)), HttpStatusCode.OK);
        await ResponseAssert.ProblemAsync(await TestAgent.EnrollRawAsync(shared.App, Request(limited)), HttpStatusCode.Unauthorized);
        await ResponseAssert.ReadAsync(await admin.DeleteAsync($"/api/v1/tenants/{tenant}/enrollment-tokens/{revokedId}"), HttpStatusCode.NoContent);
        await ResponseAssert.ProblemAsync(await TestAgent.EnrollRawAsync(shared.App, Request(revoked)), HttpStatusCode.Unauthorized);
        await ResponseAssert.ProblemAsync(await TestAgent.EnrollRawAsync(shared.App, Request("tne_unknown")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_enrolls_nothing()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var secret = SecretTokens.New("tne_");
        await shared.App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.EnrollmentTokens.Add(new EnrollmentToken
            {
                TenantId = tenant,
                Label = "old",
                Prefix = secret[..12],
                SecretHash = SecretTokens.Hash(secret),
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-10),
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            return await db.SaveChangesAsync();
        });

        await ResponseAssert.ProblemAsync(await TestAgent.EnrollRawAsync(shared.App, Request(secret)), HttpStatusCode.Unauthorized);
        var assets = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets"), HttpStatusCode.OK);
        Assert.Equal(0, assets.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_same_machine_enrolling_again_is_the_same_asset_with_the_new_key()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var (token, _, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant);

        using var first = await TestAgent.EnrollAsync(shared.App, token, machineId: "machine-42");
        using var second = await TestAgent.EnrollAsync(shared.App, token, machineId: "machine-42");

        Assert.Equal(first.AgentId, second.AgentId);
        await ResponseAssert.ProblemAsync(await first.HeartbeatAsync(), HttpStatusCode.Unauthorized);
        await ResponseAssert.ReadAsync(await second.HeartbeatAsync(), HttpStatusCode.OK);
        var assets = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets"), HttpStatusCode.OK);
        Assert.Equal(1, assets.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("AAAA")]
    [InlineData("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")]
    public async Task A_malformed_public_key_is_a_field_error_and_uses_nothing(string publicKey)
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var (token, _, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant, new { label = "x", maxUses = 1 });

        var problem = await ResponseAssert.ProblemAsync(await TestAgent.EnrollRawAsync(shared.App, Request(token, publicKey: publicKey)), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("publicKey", out _));
        // The refused attempt used nothing: the single use is still there.
        await ResponseAssert.ReadAsync(await TestAgent.EnrollRawAsync(shared.App, Request(token)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_viewer_cannot_manage_enrollment_tokens_and_another_tenant_cannot_see_them()
    {
        var (tenant, admin) = await shared.Data.TenantWithAdminAsync();
        var (_, tokenId, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant);
        var viewer = await shared.App.SignInAsync((await shared.Data.UserAsync(tenant, Core.Identity.Role.Viewer)).Email);
        var (_, otherAdmin) = await shared.Data.TenantWithAdminAsync();

        await ResponseAssert.ProblemAsync(await viewer.GetAsync($"/api/v1/tenants/{tenant}/enrollment-tokens"), HttpStatusCode.Forbidden);
        await ResponseAssert.ProblemAsync(await viewer.PostAsJsonAsync($"/api/v1/tenants/{tenant}/enrollment-tokens", new { label = "x" }), HttpStatusCode.Forbidden);
        await ResponseAssert.ProblemAsync(await otherAdmin.GetAsync($"/api/v1/tenants/{tenant}/enrollment-tokens"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(await otherAdmin.DeleteAsync($"/api/v1/tenants/{tenant}/enrollment-tokens/{tokenId}"), HttpStatusCode.NotFound);
    }
}
