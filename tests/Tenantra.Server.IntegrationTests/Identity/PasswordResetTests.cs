using System.Net;
using System.Net.Http.Json;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>Admin-issued, one-time password reset tokens, only for users the tenant owns.</summary>
public sealed class PasswordResetTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private const string Reset = "/api/v1/auth/password-reset";
    private const string SignIn = "/api/v1/auth/sign-in";
    private const string NewPassword = "a fresh reset passphrase";

    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task An_admin_issued_token_sets_a_new_password_and_the_old_one_stops_working()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var before = DateTimeOffset.UtcNow;

        var issued = await admin.PostAsync($"/api/v1/tenants/{tenant}/users/{user.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK);

        Assert.Equal(user.Email, issued.Text("email"));
        Assert.InRange(issued.GetProperty("expiresAt").GetDateTimeOffset(), before.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token = issued.Text("token"), newPassword = NewPassword }).ReadAsync(HttpStatusCode.NoContent);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = NewPassword }).ReadAsync(HttpStatusCode.OK);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_reset_token_works_only_once()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var token = (await admin.PostAsync($"/api/v1/tenants/{tenant}/users/{user.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK)).Text("token");
        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token, newPassword = NewPassword }).ReadAsync(HttpStatusCode.NoContent);

        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token, newPassword = "yet another passphrase" }).FieldErrorAsync("token");

        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = NewPassword }).ReadAsync(HttpStatusCode.OK);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = "yet another passphrase" }).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_garbage_token_is_a_400_on_token()
    {
        var (tenant, _) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);

        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token = "CfDJ8garbage-token-value", newPassword = NewPassword }).FieldErrorAsync("token");

        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_issued_for_one_user_does_not_reset_another()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var other = await Data.UserAsync(tenant, Role.Viewer);
        var token = (await admin.PostAsync($"/api/v1/tenants/{tenant}/users/{user.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK)).Text("token");

        await App.CreateClient().PostAsJsonAsync(Reset, new { email = other.Email, token, newPassword = NewPassword }).FieldErrorAsync("token");

        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = other.Email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_too_short_new_password_is_a_400_on_new_password_and_keeps_the_token_usable()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var token = (await admin.PostAsync($"/api/v1/tenants/{tenant}/users/{user.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK)).Text("token");

        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token, newPassword = "short" }).FieldErrorAsync("newPassword");

        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token, newPassword = NewPassword }).ReadAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Resetting_the_password_ends_open_sessions_and_lifts_a_lockout()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var session = await App.SignInAsync(user.Email);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = $"wrong password {attempt}" }).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var token = (await admin.PostAsync($"/api/v1/tenants/{tenant}/users/{user.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK)).Text("token");
        await App.CreateClient().PostAsJsonAsync(Reset, new { email = user.Email, token, newPassword = NewPassword }).ReadAsync(HttpStatusCode.NoContent);

        await session.GetAsync("/api/v1/auth/me").ProblemAsync(HttpStatusCode.Unauthorized);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = NewPassword }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Issuing_for_a_member_whose_home_is_another_tenant_is_404()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var (customer, admin) = await Data.TenantWithAdminAsync(msp);
        var technician = await Data.UserAsync(msp, Role.Analyst);
        await admin.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = technician.Email, role = "viewer" }).ReadAsync(HttpStatusCode.Created);
        var listed = await admin.GetAsync($"/api/v1/tenants/{customer}/users/{technician.Id}").ReadAsync(HttpStatusCode.OK);
        Assert.False(listed.GetProperty("managedHere").GetBoolean());

        await admin.PostAsync($"/api/v1/tenants/{customer}/users/{technician.Id}/password-reset", null).ProblemAsync(HttpStatusCode.NotFound);

        var stranger = await Data.UserAsync(await Data.TenantAsync(TenantKind.Customer, msp), Role.Viewer);
        await admin.PostAsync($"/api/v1/tenants/{customer}/users/{stranger.Id}/password-reset", null).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_user_managers_can_issue_reset_tokens()
    {
        var (tenant, _) = await Data.TenantWithAdminAsync();
        var viewer = await Data.UserAsync(tenant, Role.Viewer);
        var target = await Data.UserAsync(tenant, Role.Viewer);
        var client = await App.SignInAsync(viewer.Email);

        await client.PostAsync($"/api/v1/tenants/{tenant}/users/{target.Id}/password-reset", null).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Creating_a_user_without_a_password_returns_a_reset_token_that_sets_the_first_password()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();

        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/users",
            new { email = $"first-{Guid.NewGuid():N}@test.example", displayName = "First Password", role = "viewer" }).ReadAsync(HttpStatusCode.Created);

        var email = created.GetProperty("user").Text("email");
        var token = created.Text("passwordResetToken");
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email, password = NewPassword }).ProblemAsync(HttpStatusCode.Unauthorized);
        await App.CreateClient().PostAsJsonAsync(Reset, new { email, token, newPassword = NewPassword }).ReadAsync(HttpStatusCode.NoContent);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email, password = NewPassword }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Creating_a_user_with_a_password_returns_no_reset_token()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();

        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/users",
            new { email = $"with-pw-{Guid.NewGuid():N}@test.example", displayName = "With Password", role = "viewer", password = NewPassword }).ReadAsync(HttpStatusCode.Created);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("passwordResetToken").ValueKind);
    }
}
