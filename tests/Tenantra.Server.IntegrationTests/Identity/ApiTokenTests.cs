using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>API tokens: shown once, stored hashed, scoped, bound to one tenant, revocable.</summary>
public sealed class ApiTokenTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task A_created_token_is_shown_once_and_stored_only_as_its_sha256()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();

        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "PSA sync", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);

        var secret = created.Text("token");
        Assert.StartsWith("tnt_", secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40, $"a {secret.Length}-character token is too short to be unguessable");
        var id = created.GetProperty("apiToken").GetProperty("id").GetGuid();
        Assert.Equal(secret[..10], created.GetProperty("apiToken").Text("prefix"));
        var listed = await admin.GetAsync($"/api/v1/tenants/{tenant}/api-tokens").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.DoesNotContain(secret[10..], listed.GetRawText(), StringComparison.Ordinal);
        var row = await TokenRowAsync(tenant, id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), row.SecretHash);
        Assert.DoesNotContain(secret[10..], JsonSerializer.Serialize(row), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expires_after_ninety_days_by_default()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var before = DateTimeOffset.UtcNow;

        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "default expiry", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);

        Assert.InRange(created.GetProperty("apiToken").GetProperty("expiresAt").GetDateTimeOffset(), before.AddDays(90).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(90).AddSeconds(1));
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "too long", scopes = new[] { "tenant:read" }, expiresInDays = 366 }).FieldErrorAsync("expiresInDays");
    }

    [Fact]
    public async Task Members_without_user_management_see_and_revoke_only_their_own_tokens()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var analyst = await App.SignInAsync((await Data.UserAsync(tenant, Role.Analyst)).Email);
        var adminToken = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "admin's", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);
        var analystToken = await analyst.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "analyst's", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);
        var adminTokenId = adminToken.GetProperty("apiToken").GetProperty("id").GetGuid();

        var seenByAnalyst = await analyst.GetAsync($"/api/v1/tenants/{tenant}/api-tokens").ReadAsync(HttpStatusCode.OK);
        var seenByAdmin = await admin.GetAsync($"/api/v1/tenants/{tenant}/api-tokens").ReadAsync(HttpStatusCode.OK);

        Assert.Equal(analystToken.GetProperty("apiToken").GetProperty("id").GetGuid(), Assert.Single(seenByAnalyst.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(2, seenByAdmin.GetProperty("total").GetInt32());
        await analyst.DeleteAsync($"/api/v1/tenants/{tenant}/api-tokens/{adminTokenId}").ProblemAsync(HttpStatusCode.NotFound);
        await App.CreateTokenClient(adminToken.Text("token")).GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);
        await admin.DeleteAsync($"/api/v1/tenants/{tenant}/api-tokens/{analystToken.GetProperty("apiToken").GetProperty("id").GetGuid()}").ReadAsync(HttpStatusCode.NoContent);
        await App.CreateTokenClient(analystToken.Text("token")).GetAsync($"/api/v1/tenants/{tenant}").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_authenticates_and_records_its_last_use()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "reader", scopes = new[] { "tenant:read", "users:read" } }).ReadAsync(HttpStatusCode.Created);
        var id = created.GetProperty("apiToken").GetProperty("id").GetGuid();
        Assert.Null((await TokenRowAsync(tenant, id)).LastUsedAt);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var users = await App.CreateTokenClient(created.Text("token")).GetAsync($"/api/v1/tenants/{tenant}/users").ReadAsync(HttpStatusCode.OK);

        Assert.Equal(1, users.GetProperty("total").GetInt32());
        var lastUsed = (await TokenRowAsync(tenant, id)).LastUsedAt;
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "soon revoked", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);
        var client = App.CreateTokenClient(created.Text("token"));
        await client.GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);

        await admin.DeleteAsync($"/api/v1/tenants/{tenant}/api-tokens/{created.GetProperty("apiToken").GetProperty("id").GetGuid()}").ReadAsync(HttpStatusCode.NoContent);

        await client.GetAsync($"/api/v1/tenants/{tenant}").ProblemAsync(HttpStatusCode.Unauthorized);
        await client.GetAsync("/api/v1/auth/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var user = await Data.UserAsync(tenant, Role.Admin);
        var live = await Data.TokenAsync(user, tenant);
        var expired = await Data.TokenAsync(user, tenant, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        await App.CreateTokenClient(expired).GetAsync($"/api/v1/tenants/{tenant}").ProblemAsync(HttpStatusCode.Unauthorized);

        await App.CreateTokenClient(live).GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Scopes_limit_what_a_token_can_do()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var admin = await Data.UserAsync(tenant, Role.Admin);
        var client = App.CreateTokenClient(await Data.TokenAsync(admin, tenant, [Permission.TenantRead]));

        await client.GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);

        await client.GetAsync($"/api/v1/tenants/{tenant}/users").ProblemAsync(HttpStatusCode.Forbidden);
        await client.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = "Renamed by a reader" }).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_cannot_have_a_scope_its_owner_does_not_hold()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var analyst = await Data.UserAsync(tenant, Role.Analyst);
        var client = await App.SignInAsync(analyst.Email);

        await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "too strong", scopes = new[] { "tenant:read", "users:manage" } }).FieldErrorAsync("scopes");

        var listed = await client.GetAsync($"/api/v1/tenants/{tenant}/api-tokens").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
        await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "fine", scopes = new[] { "tenant:read", "users:read" } }).ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_viewer_cannot_create_tokens()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var viewer = await Data.UserAsync(tenant, Role.Viewer);
        var client = await App.SignInAsync(viewer.Email);

        await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "viewer token", scopes = new[] { "tenant:read" } }).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_scope_names_are_a_400_on_scopes()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();

        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "typo", scopes = new[] { "tenant:reed" } }).FieldErrorAsync("scopes");
    }

    [Fact]
    public async Task Tokens_cannot_create_tokens()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var admin = await Data.UserAsync(tenant, Role.Admin);
        var client = App.CreateTokenClient(await Data.TokenAsync(admin, tenant));

        await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-tokens", new { name = "child", scopes = new[] { "tenant:read" } }).ProblemAsync(HttpStatusCode.Forbidden);

        var count = await App.InTenantAsync(tenant, services => services.GetRequiredService<TenantraDbContext>().ApiTokens.CountAsync());
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_token_an_msp_admin_issues_in_a_customer_acts_as_them_in_that_customer()
    {
        var (_, a1, _, session) = await MspWithTwoCustomersAsync();
        var created = await session.PostAsJsonAsync($"/api/v1/tenants/{a1}/api-tokens", new { name = "A1 only", scopes = new[] { "tenant:read", "users:read" } }).ReadAsync(HttpStatusCode.Created);
        var client = App.CreateTokenClient(created.Text("token"));

        await client.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/v1/tenants/{a1}/users").ReadAsync(HttpStatusCode.OK);
        await client.PatchAsJsonAsync($"/api/v1/tenants/{a1}", new { name = "Out of scope" }).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_issued_in_one_customer_cannot_read_a_sibling_customer_even_for_an_msp_admin()
    {
        var (msp, a1, a2, session) = await MspWithTwoCustomersAsync();
        await session.GetAsync($"/api/v1/tenants/{a2}").ReadAsync(HttpStatusCode.OK);
        var created = await session.PostAsJsonAsync($"/api/v1/tenants/{a1}/api-tokens", new { name = "A1 only", scopes = new[] { "tenant:read", "users:read" } }).ReadAsync(HttpStatusCode.Created);
        var client = App.CreateTokenClient(created.Text("token"));

        await client.GetAsync($"/api/v1/tenants/{a2}").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/tenants/{a2}/users").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/tenants/{msp}").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/msps/{msp}/customers").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_msp_token_reads_the_msps_customers_and_nothing_beyond()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp);
        var otherMsp = await Data.TenantAsync(TenantKind.Msp);
        var b1 = await Data.TenantAsync(TenantKind.Customer, otherMsp);
        var mspAdmin = await Data.UserAsync(msp, Role.Admin);
        var session = await App.SignInAsync(mspAdmin.Email);
        var created = await session.PostAsJsonAsync($"/api/v1/tenants/{msp}/api-tokens", new { name = "MSP roll-up", scopes = new[] { "tenant:read" } }).ReadAsync(HttpStatusCode.Created);
        var client = App.CreateTokenClient(created.Text("token"));

        var customers = await client.GetAsync($"/api/v1/msps/{msp}/customers").ReadAsync(HttpStatusCode.OK);

        var ids = customers.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { a1, a2 }, ids);
        await client.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await client.GetAsync($"/api/v1/tenants/{b1}").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/msps/{otherMsp}/customers").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/tenants/{a1}/users").ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("tnt_")]
    [InlineData("tnt_not-a-real-token-but-well-formed-enough-000000")]
    public async Task A_malformed_or_unknown_bearer_value_is_401(string value)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);

        await client.GetAsync("/api/v1/auth/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_bearer_value_over_the_length_limit_is_401()
    {
        var client = App.CreateTokenClient("tnt_" + new string('a', 200));

        await client.GetAsync("/api/v1/auth/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_of_a_disabled_user_are_refused()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var owner = await Data.UserAsync(tenant, Role.Analyst);
        var client = App.CreateTokenClient(await Data.TokenAsync(owner, tenant, [Permission.TenantRead]));
        await client.GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);

        await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/users/{owner.Id}", new { disabled = true }).ReadAsync(HttpStatusCode.OK);

        await client.GetAsync($"/api/v1/tenants/{tenant}").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<(Guid Msp, Guid A1, Guid A2, HttpClient MspAdmin)> MspWithTwoCustomersAsync()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await Data.UserAsync(msp, Role.Admin);
        return (msp, a1, a2, await App.SignInAsync(mspAdmin.Email));
    }

    private Task<ApiToken> TokenRowAsync(Guid tenant, Guid id) =>
        App.InTenantAsync(tenant, services => services.GetRequiredService<TenantraDbContext>().ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id));
}
