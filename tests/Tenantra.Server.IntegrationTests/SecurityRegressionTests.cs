using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Security;
using Tenantra.Core.Tenancy;
using Tenantra.Server.Hosting;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests;

/// <summary>Attacks found in review of the platform foundation; each must stay closed.</summary>
public sealed class SecurityRegressionTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task An_msp_admin_limited_to_chosen_customers_cannot_widen_their_own_reach()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var chosen = await Data.TenantAsync(TenantKind.Customer, msp);
        var other = await Data.TenantAsync(TenantKind.Customer, msp);
        var limited = await Data.UserAsync(msp, Role.Admin, CustomerScope.SelectedCustomers, chosen);
        var client = await App.SignInAsync(limited.Email);

        await client.PatchAsJsonAsync($"/api/v1/tenants/{msp}/memberships/{limited.MembershipId}", new { customerScope = "allCustomers" }).ProblemAsync(HttpStatusCode.Forbidden);
        await client.PostAsJsonAsync($"/api/v1/tenants/{msp}/invitations", new { email = "accomplice@test.example", role = "admin" }).ProblemAsync(HttpStatusCode.Forbidden);
        await client.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "Shadow customer" }).ProblemAsync(HttpStatusCode.Forbidden);

        await client.GetAsync($"/api/v1/tenants/{other}").ProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/v1/tenants/{chosen}/users").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Accepting_an_invitation_for_an_existing_account_needs_that_account_signed_in()
    {
        var customerA = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var customerB = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var adminA = await App.SignInAsync((await Data.UserAsync(customerA, Role.Admin)).Email);
        var adminB = await App.SignInAsync((await Data.UserAsync(customerB, Role.Admin)).Email);
        var email = $"victim-{Guid.NewGuid():N}@other.example";
        await adminA.PostAsJsonAsync($"/api/v1/tenants/{customerA}/users", new { email, displayName = "Squatted", role = "viewer", password = "attacker chosen password" })
            .ReadAsync(HttpStatusCode.Created);
        var token = (await adminB.PostAsJsonAsync($"/api/v1/tenants/{customerB}/invitations", new { email, role = "admin" }).ReadAsync(HttpStatusCode.Created)).Text("token");

        await App.CreateClient().PostAsJsonAsync("/api/v1/invitations/accept", new { token }).FieldErrorAsync("token");
        await adminB.PostAsJsonAsync($"/api/v1/tenants/{customerB}/memberships", new { email, role = "admin" }).FieldErrorAsync("email");

        var squatter = await App.SignInAsync(email, "attacker chosen password");
        await squatter.GetAsync($"/api/v1/tenants/{customerB}/users").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_wrong_passwords_lock_the_account_after_at_most_the_allowed_checks()
    {
        var user = await Data.UserAsync(await Data.TenantAsync(TenantKind.Msp), Role.Viewer);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            await (await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = "wrong password here" })).Content.ReadAsStringAsync()));

        var checkedGuesses = answers.Count(a => a.Contains("Email or password is incorrect", StringComparison.Ordinal));
        Assert.InRange(checkedGuesses, 1, 5);
        var row = await App.InPlatformAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.True(row.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"lockout end {row.LockoutEnd}");
        await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_deleted_customer_is_only_read_and_restored_by_its_msp_admins()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await App.SignInAsync((await Data.UserAsync(msp, Role.Admin)).Email);
        var analyst = await App.SignInAsync((await Data.UserAsync(msp, Role.Analyst)).Email);
        await mspAdmin.DeleteAsync($"/api/v1/tenants/{customer}").ReadAsync(HttpStatusCode.OK);

        await analyst.GetAsync($"/api/v1/tenants/{customer}/users").ProblemAsync(HttpStatusCode.NotFound);
        await analyst.PostAsJsonAsync($"/api/v1/tenants/{customer}/api-tokens", new { name = "x", scopes = new[] { "tenant:read" } }).ProblemAsync(HttpStatusCode.NotFound);
        await mspAdmin.PostAsJsonAsync($"/api/v1/tenants/{customer}/invitations", new { email = "late@test.example", role = "admin" }).ProblemAsync(HttpStatusCode.Forbidden);
        await mspAdmin.GetAsync($"/api/v1/tenants/{customer}/users").ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("deleted", (await mspAdmin.GetAsync($"/api/v1/tenants/{customer}").ReadAsync(HttpStatusCode.OK)).Text("status"));
        await mspAdmin.PostAsync($"/api/v1/tenants/{customer}/restore", null).ReadAsync(HttpStatusCode.OK);
        await analyst.GetAsync($"/api/v1/tenants/{customer}/users").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_api_token_cannot_issue_a_password_reset_not_even_for_its_owner()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var owner = await Data.UserAsync(msp, Role.Admin);
        var colleague = await Data.UserAsync(msp, Role.Viewer);
        var token = App.CreateTokenClient(await Data.TokenAsync(owner, msp, [Permission.UsersManage]));

        await token.PostAsync($"/api/v1/tenants/{msp}/users/{owner.Id}/password-reset", null).ProblemAsync(HttpStatusCode.Forbidden);
        await token.PostAsync($"/api/v1/tenants/{msp}/users/{colleague.Id}/password-reset", null).ProblemAsync(HttpStatusCode.Forbidden);
        var session = await App.SignInAsync(owner.Email);
        await session.PostAsync($"/api/v1/tenants/{msp}/users/{owner.Id}/password-reset", null).ProblemAsync(HttpStatusCode.Forbidden);
        await session.PostAsync($"/api/v1/tenants/{msp}/users/{colleague.Id}/password-reset", null).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Enabling_the_second_factor_again_cannot_replace_recovery_codes_without_the_password()
    {
        var user = await Data.UserAsync(await Data.TenantAsync(TenantKind.Msp), Role.Viewer);
        var client = await App.SignInAsync(user.Email);
        var secret = Base32.Decode((await client.PostAsync("/api/v1/auth/two-factor/enrollment", null).ReadAsync(HttpStatusCode.OK)).Text("secret"));
        var step = Totp.TimeStepAt(DateTimeOffset.UtcNow);
        await client.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code = Totp.Compute(secret, step) }).ReadAsync(HttpStatusCode.OK);

        await client.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code = Totp.Compute(secret, step + 1) }).FieldErrorAsync("code");
    }

    [Fact]
    public async Task Keeping_a_customer_while_adding_another_updates_the_membership()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var first = await Data.TenantAsync(TenantKind.Customer, msp);
        var second = await Data.TenantAsync(TenantKind.Customer, msp);
        var admin = await App.SignInAsync((await Data.UserAsync(msp, Role.Admin)).Email);
        var technician = await Data.UserAsync(msp, Role.Analyst, CustomerScope.SelectedCustomers, first);

        var updated = await admin.PatchAsJsonAsync($"/api/v1/tenants/{msp}/memberships/{technician.MembershipId}",
            new { customerScope = "selectedCustomers", customerIds = new[] { first, second } }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal(new[] { first, second }.Order(), updated.GetProperty("customerIds").EnumerateArray().Select(c => c.GetGuid()).Order());
    }

    [Fact]
    public async Task Absurd_page_numbers_and_methods_get_answers_not_errors()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var admin = await App.SignInAsync((await Data.UserAsync(msp, Role.Admin)).Email);

        foreach (var url in new[] { $"/api/v1/tenants/{msp}/users?page=2147483647&pageSize=200", $"/api/v1/tenants/{msp}/audit-records?page=2147483647&pageSize=200&outcome=success" })
        {
            Assert.Equal(0, (await admin.GetAsync(url).ReadAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        }

        var oddMethod = await App.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(new string('X', 120)), "/api/v1/auth/sign-in"));
        Assert.InRange((int)oddMethod.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Nodes_starting_together_create_one_platform_tenant()
    {
        var bootstrapper = App.Services.GetRequiredService<Bootstrapper>();

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => bootstrapper.EnsurePlatformAsync()));

        Assert.All(ids, id => Assert.Equal(Tenant.PlatformId, id));
        Assert.Equal(1, await App.InPlatformAsync(db => db.Tenants.CountAsync(t => t.Kind == TenantKind.Platform)));
    }

    [Fact]
    public async Task Two_admins_removing_each_other_at_once_leave_one_admin()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var first = await Data.UserAsync(customer, Role.Admin);
        var second = await Data.UserAsync(customer, Role.Admin);
        var firstClient = await App.SignInAsync(first.Email);
        var secondClient = await App.SignInAsync(second.Email);

        var answers = await Task.WhenAll(
            firstClient.DeleteAsync($"/api/v1/tenants/{customer}/memberships/{second.MembershipId}"),
            secondClient.DeleteAsync($"/api/v1/tenants/{customer}/memberships/{first.MembershipId}"));

        Assert.Equal(1, await App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == customer && m.Role == Role.Admin)));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        Assert.DoesNotContain(answers, a => (int)a.StatusCode >= 500);
    }

    [Fact]
    public async Task Guessing_the_current_password_inside_a_session_locks_the_account_too()
    {
        var user = await Data.UserAsync(await Data.TenantAsync(TenantKind.Msp), Role.Viewer);
        var session = await App.SignInAsync(user.Email);

        for (var guess = 0; guess < 5; guess++)
        {
            var wrong = await session.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = $"guess number {guess}", newPassword = "a brand new password" }).FieldErrorAsync("currentPassword");
            Assert.Contains("incorrect", wrong[0].GetString(), StringComparison.Ordinal);
        }

        var locked = await session.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TenantraTestApp.Password, newPassword = "a brand new password" }).FieldErrorAsync("currentPassword");
        Assert.Contains("locked", locked[0].GetString(), StringComparison.Ordinal);
        await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
