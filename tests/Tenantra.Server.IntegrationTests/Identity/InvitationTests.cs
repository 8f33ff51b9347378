using System.Net;
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

/// <summary>Invitations: one-time tokens stored hashed, preview, acceptance, revocation and expiry.</summary>
public sealed class InvitationTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private const string Accept = "/api/v1/invitations/accept";
    private const string Preview = "/api/v1/invitations/preview";
    private const string NewPassword = "an invited passphrase";

    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task A_created_invitation_returns_its_token_once_and_the_list_shows_it_open_without_the_token()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();

        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email, role = "analyst" }).ReadAsync(HttpStatusCode.Created);

        var token = created.Text("token");
        Assert.StartsWith("inv_", token, StringComparison.Ordinal);
        var invitation = created.GetProperty("invitation");
        Assert.Equal("open", invitation.Text("status"));
        Assert.Equal("analyst", invitation.Text("role"));
        var listed = await admin.GetAsync($"/api/v1/tenants/{tenant}/invitations").ReadAsync(HttpStatusCode.OK);
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(invitation.GetProperty("id").GetGuid(), item.GetProperty("id").GetGuid());
        Assert.Equal("open", item.Text("status"));
        Assert.Equal(email, item.Text("email"));
        Assert.DoesNotContain(token, listed.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..], listed.GetRawText(), StringComparison.Ordinal);
        var row = await App.InTenantAsync(tenant, services => services.GetRequiredService<TenantraDbContext>().Invitations.AsNoTracking().SingleAsync());
        Assert.Equal(Sha256Hex(token), row.TokenHash);
        Assert.DoesNotContain(token[4..], JsonSerializer.Serialize(row), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_shows_the_tenant_name_email_and_role()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync(name: "Preview Dental");
        var email = NewEmail();
        var token = await InviteAsync(admin, tenant, email, "auditor");

        var preview = await App.CreateClient().PostAsJsonAsync(Preview, new { token }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("Preview Dental", preview.Text("tenantName"));
        Assert.Equal(email, preview.Text("email"));
        Assert.Equal("auditor", preview.Text("role"));
        Assert.False(preview.GetProperty("accountExists").GetBoolean());
    }

    [Fact]
    public async Task Accepting_creates_the_account_with_the_role_and_the_invitee_can_sign_in()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();
        var token = await InviteAsync(admin, tenant, email, "analyst");

        var accepted = await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Ines Invited", password = NewPassword }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal(tenant, accepted.GetProperty("tenantId").GetGuid());
        Assert.Equal("analyst", accepted.Text("role"));
        var invitee = await App.SignInAsync(email, NewPassword);
        var me = await invitee.GetAsync("/api/v1/auth/me").ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Ines Invited", me.Text("displayName"));
        var membership = Assert.Single(me.GetProperty("memberships").EnumerateArray());
        Assert.Equal(tenant, membership.GetProperty("tenantId").GetGuid());
        Assert.Equal("analyst", membership.Text("role"));
        await invitee.GetAsync($"/api/v1/tenants/{tenant}/users").ReadAsync(HttpStatusCode.OK);
        var listed = await admin.GetAsync($"/api/v1/tenants/{tenant}/invitations?status=accepted").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(email, Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("email"));
        var user = await admin.GetAsync($"/api/v1/tenants/{tenant}/users?q={Uri.EscapeDataString(email)}").ReadAsync(HttpStatusCode.OK);
        Assert.True(Assert.Single(user.GetProperty("items").EnumerateArray()).GetProperty("managedHere").GetBoolean());
    }

    [Fact]
    public async Task Accepting_a_new_account_needs_a_display_name_and_a_valid_password_and_leaves_the_invitation_open()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var token = await InviteAsync(admin, tenant, NewEmail(), "viewer");

        await App.CreateClient().PostAsJsonAsync(Accept, new { token, password = NewPassword }).FieldErrorAsync("displayName");
        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Short Pw", password = "short" }).FieldErrorAsync("password");

        await App.CreateClient().PostAsJsonAsync(Preview, new { token }).ReadAsync(HttpStatusCode.OK);
        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Fine Now", password = NewPassword }).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_invitation_cannot_be_accepted_twice()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();
        var token = await InviteAsync(admin, tenant, email, "viewer");
        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Once", password = NewPassword }).ReadAsync(HttpStatusCode.OK);

        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Twice", password = "another passphrase here" }).FieldErrorAsync("token");

        await App.CreateClient().PostAsJsonAsync(Preview, new { token }).FieldErrorAsync("token");
        await App.SignInAsync(email, NewPassword);
    }

    [Fact]
    public async Task A_revoked_invitation_cannot_be_accepted()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email, role = "viewer" }).ReadAsync(HttpStatusCode.Created);
        var id = created.GetProperty("invitation").GetProperty("id").GetGuid();

        await admin.DeleteAsync($"/api/v1/tenants/{tenant}/invitations/{id}").ReadAsync(HttpStatusCode.NoContent);

        await App.CreateClient().PostAsJsonAsync(Preview, new { token = created.Text("token") }).FieldErrorAsync("token");
        await App.CreateClient().PostAsJsonAsync(Accept, new { token = created.Text("token"), displayName = "Revoked", password = NewPassword }).FieldErrorAsync("token");
        var listed = await admin.GetAsync($"/api/v1/tenants/{tenant}/invitations?status=revoked").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password = NewPassword }).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_invitation_cannot_be_accepted()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();
        var token = "inv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var adminId = await App.InPlatformAsync(db => db.Memberships.Where(m => m.TenantId == tenant).Select(m => m.UserId).FirstAsync());
        await App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.Invitations.Add(new Invitation
            {
                TenantId = tenant,
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                Role = Role.Viewer,
                TokenHash = Sha256Hex(token),
                InvitedByUserId = adminId,
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-8),
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            return await db.SaveChangesAsync();
        });

        await App.CreateClient().PostAsJsonAsync(Preview, new { token }).FieldErrorAsync("token");
        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Too Late", password = NewPassword }).FieldErrorAsync("token");

        var expired = await admin.GetAsync($"/api/v1/tenants/{tenant}/invitations?status=expired").ReadAsync(HttpStatusCode.OK);
        Assert.Equal("expired", Assert.Single(expired.GetProperty("items").EnumerateArray()).Text("status"));
        await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password = NewPassword }).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Inviting_an_existing_user_adds_a_membership_without_touching_their_password()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var existing = await Data.UserAsync(await Data.TenantAsync(TenantKind.Customer), Role.Admin);
        var token = await InviteAsync(admin, tenant, existing.Email, "viewer");
        var preview = await App.CreateClient().PostAsJsonAsync(Preview, new { token }).ReadAsync(HttpStatusCode.OK);
        Assert.True(preview.GetProperty("accountExists").GetBoolean());

        // Holding the link is not enough for an existing account: the caller must be signed in as it.
        await App.CreateClient().PostAsJsonAsync(Accept, new { token, displayName = "Someone Else", password = "an attempted takeover" }).FieldErrorAsync("token");
        var client = await App.SignInAsync(existing.Email);
        var accepted = await client.PostAsJsonAsync(Accept, new { token }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("viewer", accepted.Text("role"));
        await App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = existing.Email, password = "an attempted takeover" }).ProblemAsync(HttpStatusCode.Unauthorized);
        var me = await client.GetAsync("/api/v1/auth/me").ReadAsync(HttpStatusCode.OK);
        Assert.NotEqual("Someone Else", me.Text("displayName"));
        var memberships = me.GetProperty("memberships").EnumerateArray().ToList();
        Assert.Equal(2, memberships.Count);
        Assert.Contains(memberships, m => m.GetProperty("tenantId").GetGuid() == tenant && m.Text("role") == "viewer");
        Assert.Contains(memberships, m => m.GetProperty("tenantId").GetGuid() == existing.TenantId && m.Text("role") == "admin");
        await client.GetAsync($"/api/v1/tenants/{tenant}").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_second_open_invitation_for_the_same_email_is_a_400_on_email()
    {
        var (tenant, admin) = await Data.TenantWithAdminAsync();
        var email = NewEmail();
        await InviteAsync(admin, tenant, email, "viewer");

        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email, role = "analyst" }).FieldErrorAsync("email");
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = email.ToUpperInvariant(), role = "viewer" }).FieldErrorAsync("email");

        var (other, otherAdmin) = await Data.TenantWithAdminAsync();
        await InviteAsync(otherAdmin, other, email, "viewer");
    }

    [Fact]
    public async Task Only_user_managers_can_invite()
    {
        var (tenant, _) = await Data.TenantWithAdminAsync();
        var analyst = await Data.UserAsync(tenant, Role.Analyst);
        var client = await App.SignInAsync(analyst.Email);

        await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = NewEmail(), role = "admin" }).ProblemAsync(HttpStatusCode.Forbidden);

        var listed = await client.GetAsync($"/api/v1/tenants/{tenant}/invitations").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
    }

    private static async Task<string> InviteAsync(HttpClient admin, Guid tenant, string email, string role) =>
        (await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email, role }).ReadAsync(HttpStatusCode.Created)).Text("token");

    private static string NewEmail() => $"invitee-{Guid.NewGuid():N}@test.example";

    private static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
