using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenantra.Core.Identity;
using Tenantra.Core.Security;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests;

/// <summary>The path a new operator takes, through the API only: the first "must show".</summary>
public sealed class NewUserWalkthroughTests : IAsyncLifetime
{
    private TenantraTestApp _app = null!;

    public async Task InitializeAsync() => _app = await TenantraTestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Admin_creates_msp_customer_user_with_totp_and_a_token_that_works()
    {
        var admin = await new TestData(_app).UserAsync(_app.PlatformTenantId, Role.Admin);
        var client = await _app.SignInAsync(admin.Email);

        var msp = await ResponseAssert.ReadAsync(await client.PostAsJsonAsync("/api/v1/msps", new { name = "Northwind IT" }), HttpStatusCode.Created);
        var mspId = msp.GetProperty("id").GetGuid();
        var customer = await ResponseAssert.ReadAsync(await client.PostAsJsonAsync($"/api/v1/msps/{mspId}/customers", new { name = "Contoso Dental", timeZone = "Europe/Berlin" }), HttpStatusCode.Created);
        var customerId = customer.GetProperty("id").GetGuid();
        Assert.Equal("Europe/Berlin", customer.GetProperty("timeZone").GetString());

        var created = await ResponseAssert.ReadAsync(await client.PostAsJsonAsync($"/api/v1/tenants/{customerId}/users",
            new { email = "dana@contoso.example", displayName = "Dana Okafor", role = "admin", password = "a long enough password" }), HttpStatusCode.Created);
        Assert.Equal("dana@contoso.example", created.GetProperty("user").GetProperty("email").GetString());

        // Dana signs in and enrolls TOTP.
        var dana = await _app.SignInAsync("dana@contoso.example", "a long enough password");
        var enrollment = await ResponseAssert.ReadAsync(await dana.PostAsync("/api/v1/auth/two-factor/enrollment", null), HttpStatusCode.OK);
        var secret = Base32.Decode(enrollment.GetProperty("secret").GetString()!);
        Assert.StartsWith("otpauth://totp/Tenantra:dana%40contoso.example?", enrollment.GetProperty("otpAuthUri").GetString());
        var code = Totp.Compute(secret, Totp.TimeStepAt(DateTimeOffset.UtcNow));
        var codes = await ResponseAssert.ReadAsync(await dana.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code }), HttpStatusCode.OK);
        Assert.Equal(10, codes.GetProperty("recoveryCodes").GetArrayLength());

        // The next sign-in needs the second factor; the code just used is refused, the next step's code works.
        var again = _app.CreateClient();
        var first = await ResponseAssert.ReadAsync(await again.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = "dana@contoso.example", password = "a long enough password" }), HttpStatusCode.OK);
        Assert.Equal("two-factor-required", first.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await again.PostAsJsonAsync("/api/v1/auth/sign-in/two-factor", new { code })).StatusCode);
        var recovery = codes.GetProperty("recoveryCodes")[0].GetString();
        var second = await ResponseAssert.ReadAsync(await again.PostAsJsonAsync("/api/v1/auth/sign-in/two-factor", new { recoveryCode = recovery }), HttpStatusCode.OK);
        Assert.Equal("signed-in", second.GetProperty("status").GetString());

        // Dana creates an API token and uses it.
        await again.UseAntiforgeryAsync();
        var token = await ResponseAssert.ReadAsync(await again.PostAsJsonAsync($"/api/v1/tenants/{customerId}/api-tokens", new { name = "PSA sync", scopes = new[] { "users:read", "tenant:read" } }), HttpStatusCode.Created);
        var secretToken = token.GetProperty("token").GetString()!;
        Assert.StartsWith("tnt_", secretToken);
        var integration = _app.CreateTokenClient(secretToken);
        var users = await ResponseAssert.ReadAsync(await integration.GetAsync($"/api/v1/tenants/{customerId}/users"), HttpStatusCode.OK);
        Assert.Equal(1, users.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PostAsJsonAsync($"/api/v1/tenants/{customerId}/invitations", new { email = "x@y.example", role = "viewer" })).StatusCode);

        // The list never shows the secret, and records the last use.
        var listed = await ResponseAssert.ReadAsync(await again.GetAsync($"/api/v1/tenants/{customerId}/api-tokens"), HttpStatusCode.OK);
        var item = listed.GetProperty("items")[0];
        Assert.DoesNotContain(secretToken, listed.GetRawText(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("lastUsedAt").ValueKind);
    }
}
