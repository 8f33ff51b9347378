using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>Password sign-in, the session cookie, lockout, sign-out and the security stamp.</summary>
public sealed class SignInTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private const string SessionCookieName = "tenantra_session";
    private const string SignIn = "/api/v1/auth/sign-in";
    private const string Me = "/api/v1/auth/me";

    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task Sign_in_over_http_sets_an_http_only_strict_session_cookie_without_the_secure_flag()
    {
        var user = await NewUserAsync();
        using var client = new HttpClient(App.Server.CreateHandler()) { BaseAddress = new Uri("http://localhost/") };

        var response = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password });

        var body = await response.ReadAsync(HttpStatusCode.OK);
        Assert.Equal("signed-in", body.Text("status"));
        Assert.Equal(user.Email, body.GetProperty("user").Text("email"));
        var cookie = SessionCookie(response);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.False(cookie.Secure);
        Assert.False(string.IsNullOrEmpty(cookie.Value.Value));
    }

    [Fact]
    public async Task Sign_in_over_https_marks_the_session_cookie_secure()
    {
        var user = await NewUserAsync();
        using var client = new HttpClient(App.Server.CreateHandler()) { BaseAddress = new Uri("https://localhost/") };

        var response = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password });

        await response.ReadAsync(HttpStatusCode.OK);
        var cookie = SessionCookie(response);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
    }

    [Fact]
    public async Task Successful_sign_in_opens_a_session_and_records_the_sign_in_time()
    {
        var user = await NewUserAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var client = await App.SignInAsync(user.Email);

        var me = await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());
        var row = await UserRowAsync(user.Id);
        Assert.NotNull(row.LastSignInAt);
        Assert.InRange(row.LastSignInAt!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(0, row.AccessFailedCount);
    }

    [Fact]
    public async Task Wrong_password_is_a_401_problem_and_opens_no_session()
    {
        var user = await NewUserAsync();
        var client = App.CreateClient();

        var response = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = "not the password at all" });

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Unauthorized.", problem.Text("title"));
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith(SessionCookieName + "=", StringComparison.Ordinal));
        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await UserRowAsync(user.Id)).AccessFailedCount);
    }

    [Fact]
    public async Task Unknown_email_is_refused_exactly_like_a_wrong_password()
    {
        var user = await NewUserAsync();
        var client = App.CreateClient();

        var wrongPassword = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = "not the password at all" }).ProblemAsync(HttpStatusCode.Unauthorized);
        var unknownEmail = await client.PostAsJsonAsync(SignIn, new { email = "nobody-at-all@test.example", password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword.Text("title"), unknownEmail.Text("title"));
        Assert.Equal(wrongPassword.Text("detail"), unknownEmail.Text("detail"));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_so_the_correct_password_is_refused_next()
    {
        var user = await NewUserAsync();
        var client = App.CreateClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = $"wrong password {attempt}" }).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var refused = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("locked", refused.Text("detail"), StringComparison.OrdinalIgnoreCase);
        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var row = await UserRowAsync(user.Id);
        Assert.NotNull(row.LockoutEnd);
        Assert.True(row.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"LockoutEnd {row.LockoutEnd} should be about 15 minutes ahead");
    }

    [Fact]
    public async Task Four_wrong_passwords_do_not_lock_and_a_correct_one_resets_the_count()
    {
        var user = await NewUserAsync();
        var client = App.CreateClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = $"wrong password {attempt}" }).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var signedIn = await client.PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("signed-in", signedIn.Text("status"));
        var row = await UserRowAsync(user.Id);
        Assert.Equal(0, row.AccessFailedCount);
        Assert.Null(row.LockoutEnd);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_open_session_ends()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        var admin = await Data.UserAsync(tenant, Role.Admin);
        var user = await Data.UserAsync(tenant, Role.Viewer);
        var session = await App.SignInAsync(user.Email);
        var adminClient = await App.SignInAsync(admin.Email);

        var disabled = await adminClient.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/users/{user.Id}", new { disabled = true }).ReadAsync(HttpStatusCode.OK);

        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        await session.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var refused = await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Unauthorized.", refused.Text("title"));
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK);

        await client.PostAsync("/api/v1/auth/sign-out", null).ReadAsync(HttpStatusCode.NoContent);

        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused_and_keeps_the_session()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        client.DefaultRequestHeaders.Remove("X-XSRF-TOKEN");

        await client.PostAsync("/api/v1/auth/sign-out", null).ProblemAsync(HttpStatusCode.BadRequest);

        await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_users_other_sessions_but_keeps_the_current_one()
    {
        var user = await NewUserAsync();
        var current = await App.SignInAsync(user.Email);
        var other = await App.SignInAsync(user.Email);
        await other.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
        const string newPassword = "a brand new passphrase";

        await current.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = TenantraTestApp.Password, newPassword }).ReadAsync(HttpStatusCode.NoContent);

        await current.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
        await other.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = newPassword }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_password()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        var stampBefore = (await UserRowAsync(user.Id)).SecurityStamp;

        await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "not the current one", newPassword = "a brand new passphrase" }).FieldErrorAsync("currentPassword");

        Assert.Equal(stampBefore, (await UserRowAsync(user.Id)).SecurityStamp);
        await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_session_ends_when_the_users_security_stamp_changes()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK);

        await App.InTenantAsync(user.TenantId, async services =>
        {
            var users = services.GetRequiredService<UserManager<User>>();
            var entity = await users.FindByIdAsync(user.Id.ToString());
            return await users.UpdateSecurityStampAsync(entity!);
        });

        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var again = await App.SignInAsync(user.Email);
        await again.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
    }

    private async Task<TestUser> NewUserAsync()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        return await Data.UserAsync(tenant, Role.Viewer);
    }

    private Task<User> UserRowAsync(Guid id) =>
        App.InPlatformAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id));

    private static List<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? [.. values] : [];

    private static SetCookieHeaderValue SessionCookie(HttpResponseMessage response)
    {
        var cookies = SetCookieHeaderValue.ParseList(SetCookies(response));
        return Assert.Single(cookies, c => c.Name.Value == SessionCookieName);
    }
}
