using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Security;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>TOTP enrolment, the second sign-in step, single-use codes, recovery codes and lockout.</summary>
public sealed partial class TwoFactorTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private const string SignIn = "/api/v1/auth/sign-in";
    private const string SignInTwoFactor = "/api/v1/auth/sign-in/two-factor";
    private const string Me = "/api/v1/auth/me";

    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task Enrolment_returns_a_base32_secret_and_an_otpauth_uri_but_does_not_enable_the_factor()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);

        var enrollment = await client.PostAsync("/api/v1/auth/two-factor/enrollment", null).ReadAsync(HttpStatusCode.OK);

        var secret = enrollment.Text("secret");
        Assert.Matches(Base32Pattern(), secret);
        Assert.Equal(20, Base32.Decode(secret).Length);
        var uri = enrollment.Text("otpAuthUri");
        Assert.StartsWith($"otpauth://totp/Tenantra:{Uri.EscapeDataString(user.Email)}?", uri, StringComparison.Ordinal);
        Assert.Contains($"secret={secret}", uri, StringComparison.Ordinal);
        Assert.Contains("issuer=Tenantra", uri, StringComparison.Ordinal);
        Assert.False((await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK)).GetProperty("twoFactorEnabled").GetBoolean());
        Assert.Equal("signed-in", (await PasswordStepAsync(App.CreateClient(), user.Email)).Text("status"));
    }

    [Fact]
    public async Task Enabling_with_a_wrong_code_is_a_400_on_code_and_leaves_the_factor_off()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        var key = await EnrollAsync(client);

        await client.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code = WrongCode(key) }).FieldErrorAsync("code");

        Assert.False((await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK)).GetProperty("twoFactorEnabled").GetBoolean());
        Assert.Equal("signed-in", (await PasswordStepAsync(App.CreateClient(), user.Email)).Text("status"));
    }

    [Fact]
    public async Task Enabling_with_the_current_code_returns_ten_distinct_recovery_codes()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        var key = await EnrollAsync(client);

        var response = await client.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code = CurrentCode(key) }).ReadAsync(HttpStatusCode.OK);

        var codes = RecoveryCodes(response);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(RecoveryCodePattern(), c));
        Assert.True((await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK)).GetProperty("twoFactorEnabled").GetBoolean());
        var stored = await App.InPlatformAsync(db => db.RecoveryCodes.AsNoTracking().Where(r => r.UserId == user.Id).Select(r => r.CodeHash).ToListAsync());
        Assert.Equal(10, stored.Count);
        Assert.Empty(stored.Intersect(codes));
    }

    [Fact]
    public async Task Password_alone_returns_two_factor_required_without_a_session_and_the_totp_code_completes_sign_in()
    {
        var (user, key, _) = await UserWithTwoFactorAsync();
        var client = App.CreateClient();

        var first = await PasswordStepAsync(client, user.Email);

        Assert.Equal("two-factor-required", first.Text("status"));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("user").ValueKind);
        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var second = await client.PostAsJsonAsync(SignInTwoFactor, new { code = await NextCodeAsync(user, key) }).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("signed-in", second.Text("status"));
        var me = await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task The_second_step_without_the_password_step_is_refused()
    {
        var (user, key, _) = await UserWithTwoFactorAsync();
        var client = App.CreateClient();

        await client.PostAsJsonAsync(SignInTwoFactor, new { code = await NextCodeAsync(user, key) }).ProblemAsync(HttpStatusCode.Unauthorized);

        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_totp_code_is_accepted_once_even_by_a_fresh_sign_in_within_its_time_step()
    {
        var (user, key, recovery) = await UserWithTwoFactorAsync();
        var code = await NextCodeAsync(user, key);
        var first = App.CreateClient();
        await PasswordStepAsync(first, user.Email);
        await first.PostAsJsonAsync(SignInTwoFactor, new { code }).ReadAsync(HttpStatusCode.OK);

        var second = App.CreateClient();
        Assert.Equal("two-factor-required", (await PasswordStepAsync(second, user.Email)).Text("status"));
        await second.PostAsJsonAsync(SignInTwoFactor, new { code }).FieldErrorAsync("code");

        await second.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        // The pending step itself was still good: a recovery code completes it.
        await second.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = recovery[0] }).ReadAsync(HttpStatusCode.OK);
        await second.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_concurrent_second_steps_with_the_same_code_let_exactly_one_through()
    {
        var (user, key, _) = await UserWithTwoFactorAsync();
        var code = await NextCodeAsync(user, key);
        var clients = new[] { App.CreateClient(), App.CreateClient(), App.CreateClient() };
        foreach (var client in clients)
        {
            await PasswordStepAsync(client, user.Email);
        }

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync(SignInTwoFactor, new { code })));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Two_concurrent_second_steps_with_the_same_recovery_code_let_exactly_one_through()
    {
        var (user, _, recovery) = await UserWithTwoFactorAsync();
        var clients = new[] { App.CreateClient(), App.CreateClient(), App.CreateClient() };
        foreach (var client in clients)
        {
            await PasswordStepAsync(client, user.Email);
        }

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = recovery[5] })));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        var (user, _, recovery) = await UserWithTwoFactorAsync();
        var first = App.CreateClient();
        await PasswordStepAsync(first, user.Email);

        var signedIn = await first.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = recovery[3] }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("signed-in", signedIn.Text("status"));
        var second = App.CreateClient();
        await PasswordStepAsync(second, user.Email);
        await second.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = recovery[3] }).FieldErrorAsync("recoveryCode");
        await second.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var remaining = await App.InPlatformAsync(db => db.RecoveryCodes.CountAsync(r => r.UserId == user.Id && r.UsedAt == null));
        Assert.Equal(9, remaining);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_account()
    {
        var (user, key, _) = await UserWithTwoFactorAsync();
        var client = App.CreateClient();
        await PasswordStepAsync(client, user.Email);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await client.PostAsJsonAsync(SignInTwoFactor, new { code = WrongCode(key) }).FieldErrorAsync("code");
        }

        var refused = await client.PostAsJsonAsync(SignInTwoFactor, new { code = await NextCodeAsync(user, key) }).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("locked", refused.Text("detail"), StringComparison.OrdinalIgnoreCase);
        await client.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
        var passwordAgain = await App.CreateClient().PostAsJsonAsync(SignIn, new { email = user.Email, password = TenantraTestApp.Password }).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("locked", passwordAgain.Text("detail"), StringComparison.OrdinalIgnoreCase);
        var lockoutEnd = await App.InPlatformAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync());
        Assert.True(lockoutEnd > DateTimeOffset.UtcNow, $"LockoutEnd {lockoutEnd} should be in the future");
    }

    [Fact]
    public async Task The_totp_secret_is_stored_encrypted()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        var enrollment = await client.PostAsync("/api/v1/auth/two-factor/enrollment", null).ReadAsync(HttpStatusCode.OK);
        var secret = enrollment.Text("secret");

        var stored = await App.InPlatformAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.AuthenticatorKeyProtected).SingleAsync());

        Assert.NotNull(stored);
        Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Base32.Decode(secret)).TrimEnd('='), stored, StringComparison.Ordinal);
        // It is the secret, encrypted: the server's protector opens it.
        Assert.Equal(secret, App.Services.GetRequiredService<SecretProtector>().Unprotect(stored, "totp-secret"));
    }

    [Fact]
    public async Task Disabling_the_second_factor_needs_the_password()
    {
        var (user, _, recovery) = await UserWithTwoFactorAsync();
        var client = await SessionAsync(user, recovery[0]);

        await client.PostAsJsonAsync("/api/v1/auth/two-factor/disable", new { password = "not the password" }).FieldErrorAsync("password");

        Assert.True((await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK)).GetProperty("twoFactorEnabled").GetBoolean());
        Assert.Equal("two-factor-required", (await PasswordStepAsync(App.CreateClient(), user.Email)).Text("status"));

        await client.PostAsJsonAsync("/api/v1/auth/two-factor/disable", new { password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.NoContent);

        Assert.Equal("signed-in", (await PasswordStepAsync(App.CreateClient(), user.Email)).Text("status"));
        var row = await App.InPlatformAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.False(row.TwoFactorEnabled);
        Assert.Null(row.AuthenticatorKeyProtected);
        Assert.Equal(0, await App.InPlatformAsync(db => db.RecoveryCodes.CountAsync(r => r.UserId == user.Id)));
    }

    [Fact]
    public async Task Disabling_the_second_factor_ends_the_users_other_sessions()
    {
        var (user, _, recovery) = await UserWithTwoFactorAsync();
        var client = await SessionAsync(user, recovery[0]);
        var other = await SessionAsync(user, recovery[1]);
        await other.GetAsync(Me).ReadAsync(HttpStatusCode.OK);

        await client.PostAsJsonAsync("/api/v1/auth/two-factor/disable", new { password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.NoContent);

        await other.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Starting_a_new_enrolment_does_not_switch_off_an_active_second_factor()
    {
        var (user, _, recovery) = await UserWithTwoFactorAsync();
        var client = await SessionAsync(user, recovery[0]);

        // Without the password, a (possibly stolen) session must not be able to drop the second factor.
        await client.PostAsync("/api/v1/auth/two-factor/enrollment", null);

        Assert.True((await client.GetAsync(Me).ReadAsync(HttpStatusCode.OK)).GetProperty("twoFactorEnabled").GetBoolean());
        var fresh = App.CreateClient();
        Assert.Equal("two-factor-required", (await PasswordStepAsync(fresh, user.Email)).Text("status"));
        await fresh.GetAsync(Me).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Regenerating_recovery_codes_needs_the_password_and_invalidates_the_old_codes()
    {
        var (user, _, old) = await UserWithTwoFactorAsync();
        var client = await SessionAsync(user, old[0]);
        await client.PostAsJsonAsync("/api/v1/auth/two-factor/recovery-codes", new { password = "not the password" }).FieldErrorAsync("password");

        var response = await client.PostAsJsonAsync("/api/v1/auth/two-factor/recovery-codes", new { password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);

        var fresh = RecoveryCodes(response);
        Assert.Equal(10, fresh.Count);
        Assert.Empty(fresh.Intersect(old));
        var withOld = App.CreateClient();
        await PasswordStepAsync(withOld, user.Email);
        await withOld.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = old[1] }).FieldErrorAsync("recoveryCode");
        await withOld.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode = fresh[0] }).ReadAsync(HttpStatusCode.OK);
        await withOld.GetAsync(Me).ReadAsync(HttpStatusCode.OK);
    }

    private async Task<TestUser> NewUserAsync()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer);
        return await Data.UserAsync(tenant, Role.Viewer);
    }

    /// <summary>A user with TOTP enabled (at the current time step), their key and recovery codes.</summary>
    private async Task<(TestUser User, byte[] Key, IReadOnlyList<string> RecoveryCodes)> UserWithTwoFactorAsync()
    {
        var user = await NewUserAsync();
        var client = await App.SignInAsync(user.Email);
        var key = await EnrollAsync(client);
        var enabled = await client.PostAsJsonAsync("/api/v1/auth/two-factor/enable", new { code = CurrentCode(key) }).ReadAsync(HttpStatusCode.OK);
        return (user, key, RecoveryCodes(enabled));
    }

    /// <summary>A full session (password, then <paramref name="recoveryCode"/>) with the antiforgery header set.</summary>
    private async Task<HttpClient> SessionAsync(TestUser user, string recoveryCode)
    {
        var client = App.CreateClient();
        Assert.Equal("two-factor-required", (await PasswordStepAsync(client, user.Email)).Text("status"));
        await client.PostAsJsonAsync(SignInTwoFactor, new { recoveryCode }).ReadAsync(HttpStatusCode.OK);
        await client.UseAntiforgeryAsync();
        return client;
    }

    private static async Task<byte[]> EnrollAsync(HttpClient client)
    {
        var enrollment = await client.PostAsync("/api/v1/auth/two-factor/enrollment", null).ReadAsync(HttpStatusCode.OK);
        return Base32.Decode(enrollment.Text("secret"));
    }

    private static Task<JsonElement> PasswordStepAsync(HttpClient client, string email) =>
        client.PostAsJsonAsync(SignIn, new { email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);

    private static string CurrentCode(byte[] key) => Totp.Compute(key, Totp.TimeStepAt(DateTimeOffset.UtcNow));

    /// <summary>The code of the step after the last one the server accepted: valid now, never used.</summary>
    private async Task<string> NextCodeAsync(TestUser user, byte[] key)
    {
        var last = await App.InPlatformAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.LastTotpTimeStep).SingleAsync());
        return Totp.Compute(key, last + 1);
    }

    /// <summary>A well-formed code that matches no time step near now.</summary>
    private static string WrongCode(byte[] key)
    {
        var now = Totp.TimeStepAt(DateTimeOffset.UtcNow);
        var valid = Enumerable.Range(-3, 7).Select(d => Totp.Compute(key, now + d)).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), Totp.Digits)).First(c => !valid.Contains(c));
    }

    private static List<string> RecoveryCodes(JsonElement response) =>
        [.. response.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!)];

    [GeneratedRegex("^[A-Z2-7]+$")]
    private static partial Regex Base32Pattern();

    [GeneratedRegex("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$")]
    private static partial Regex RecoveryCodePattern();
}
