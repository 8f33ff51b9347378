using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform.Workers;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>
/// The hierarchy platform → MSP → customer: who creates and lists which tenants, suspension,
/// deletion with a grace period, restore and purge, and membership management.
/// </summary>
public sealed class TenantLifecycleTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    private TenantraTestApp App => shared.App;

    private TestData Data => shared.Data;

    [Fact]
    public async Task A_platform_admin_creates_msps()
    {
        var platformAdmin = await PlatformAdminAsync();
        var name = $"MSP {Guid.NewGuid():N}";

        var created = await platformAdmin.PostAsJsonAsync("/api/v1/msps", new { name, timeZone = "America/New_York" }).ReadAsync(HttpStatusCode.Created);

        Assert.Equal("msp", created.Text("kind"));
        Assert.Equal(App.PlatformTenantId, created.GetProperty("parentId").GetGuid());
        Assert.Equal("active", created.Text("status"));
        Assert.Equal("America/New_York", created.Text("timeZone"));
        var listed = await platformAdmin.GetAsync($"/api/v1/msps?q={Uri.EscapeDataString(name)}").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(created.GetProperty("id").GetGuid(), Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_msp_admin_creates_customers_only_under_their_own_msp_and_cannot_create_msps()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var otherMsp = await Data.TenantAsync(TenantKind.Msp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));

        var created = await admin.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "Own Customer" }).ReadAsync(HttpStatusCode.Created);

        Assert.Equal("customer", created.Text("kind"));
        Assert.Equal(msp, created.GetProperty("parentId").GetGuid());
        Assert.Equal("UTC", created.Text("timeZone"));
        await admin.GetAsync($"/api/v1/tenants/{created.GetProperty("id").GetGuid()}").ReadAsync(HttpStatusCode.OK);
        await admin.PostAsJsonAsync($"/api/v1/msps/{otherMsp}/customers", new { name = "Foreign Customer" }).ProblemAsync(HttpStatusCode.NotFound);
        await admin.PostAsJsonAsync("/api/v1/msps", new { name = "Rogue MSP" }).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.GetAsync("/api/v1/msps").ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await App.InPlatformAsync(db => db.Tenants.CountAsync(t => t.ParentId == otherMsp)));
    }

    [Fact]
    public async Task An_msp_admin_lists_only_their_own_customers_with_member_counts()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp, "Alpha One");
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp, "Alpha Two");
        var otherMsp = await Data.TenantAsync(TenantKind.Msp);
        await Data.TenantAsync(TenantKind.Customer, otherMsp, "Beta One");
        await Data.UserAsync(a1, Role.Admin);
        await Data.UserAsync(a1, Role.Viewer);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));

        var listed = await admin.GetAsync($"/api/v1/msps/{msp}/customers").ReadAsync(HttpStatusCode.OK);

        Assert.Equal(2, listed.GetProperty("total").GetInt32());
        var items = listed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([a1, a2], items.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal([2, 0], items.Select(i => i.GetProperty("memberCount").GetInt32()));
        Assert.All(items, i => Assert.Equal("customer", i.Text("kind")));
        await admin.GetAsync($"/api/v1/msps/{otherMsp}/customers").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_technician_limited_to_one_customer_sees_only_that_customer()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp);
        var technician = await SignInAsync(await Data.UserAsync(msp, Role.Analyst, CustomerScope.SelectedCustomers, a1));

        var listed = await technician.GetAsync($"/api/v1/msps/{msp}/customers").ReadAsync(HttpStatusCode.OK);

        Assert.Equal(a1, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        await technician.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await technician.GetAsync($"/api/v1/tenants/{a1}/users").ReadAsync(HttpStatusCode.OK);
        await technician.GetAsync($"/api/v1/tenants/{a2}").ProblemAsync(HttpStatusCode.NotFound);
        await technician.GetAsync($"/api/v1/tenants/{a2}/users").ProblemAsync(HttpStatusCode.NotFound);
        await technician.GetAsync($"/api/v1/tenants/{a2}/audit-records").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_customer_admin_renames_their_tenant_but_cannot_suspend_or_delete_it()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp);
        var admin = await SignInAsync(await Data.UserAsync(customer, Role.Admin));

        var renamed = await admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Renamed Dental", timeZone = "Europe/Paris" }).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("Renamed Dental", renamed.Text("name"));
        Assert.Equal("Europe/Paris", renamed.Text("timeZone"));
        await admin.PostAsync($"/api/v1/tenants/{customer}/suspend", null).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.DeleteAsync($"/api/v1/tenants/{customer}").ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(TenantStatus.Active, await StatusAsync(customer));
    }

    [Fact]
    public async Task A_viewer_cannot_rename_the_tenant()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var viewer = await SignInAsync(await Data.UserAsync(customer, Role.Viewer));

        await viewer.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Viewer Was Here" }).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.NotEqual("Viewer Was Here", (await viewer.GetAsync($"/api/v1/tenants/{customer}").ReadAsync(HttpStatusCode.OK)).Text("name"));
    }

    [Fact]
    public async Task An_msp_admin_cannot_suspend_their_own_msp()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));

        await admin.PostAsync($"/api/v1/tenants/{msp}/suspend", null).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(TenantStatus.Active, await StatusAsync(msp));
    }

    [Fact]
    public async Task Suspending_a_customer_locks_out_its_members_but_not_the_msp_admin_and_resuming_restores_access()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var member = await SignInAsync(await Data.UserAsync(a1, Role.Admin));
        await member.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);

        var suspended = await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/suspend", null).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("suspended", suspended.Text("status"));
        Assert.NotEqual(JsonValueKind.Null, suspended.GetProperty("suspendedAt").ValueKind);
        await member.GetAsync($"/api/v1/tenants/{a1}").ProblemAsync(HttpStatusCode.NotFound);
        await member.GetAsync($"/api/v1/tenants/{a1}/users").ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("suspended", (await mspAdmin.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK)).Text("status"));
        await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/suspend", null).ProblemAsync(HttpStatusCode.Conflict);

        var resumed = await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/resume", null).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("active", resumed.Text("status"));
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("suspendedAt").ValueKind);
        await member.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Suspending_an_msp_locks_out_its_staff_and_its_customers_members()
    {
        var platformAdmin = await PlatformAdminAsync();
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var customerMember = await SignInAsync(await Data.UserAsync(a1, Role.Viewer));

        await platformAdmin.PostAsync($"/api/v1/tenants/{msp}/suspend", null).ReadAsync(HttpStatusCode.OK);

        await mspAdmin.GetAsync($"/api/v1/tenants/{msp}").ProblemAsync(HttpStatusCode.NotFound);
        await mspAdmin.GetAsync($"/api/v1/tenants/{a1}").ProblemAsync(HttpStatusCode.NotFound);
        await mspAdmin.GetAsync($"/api/v1/msps/{msp}/customers").ProblemAsync(HttpStatusCode.NotFound);
        await customerMember.GetAsync($"/api/v1/tenants/{a1}").ProblemAsync(HttpStatusCode.NotFound);
        await platformAdmin.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await platformAdmin.PostAsync($"/api/v1/tenants/{msp}/resume", null).ReadAsync(HttpStatusCode.OK);
        await customerMember.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_a_customer_starts_a_thirty_day_grace_period_in_which_the_msp_admin_can_restore_it()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var member = await SignInAsync(await Data.UserAsync(a1, Role.Admin));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var deleted = await mspAdmin.DeleteAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);

        Assert.Equal("deleted", deleted.Text("status"));
        var deletedAt = deleted.GetProperty("deletedAt").GetDateTimeOffset();
        Assert.InRange(deletedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(TimeSpan.FromDays(30), deleted.GetProperty("purgeAfter").GetDateTimeOffset() - deletedAt);
        await member.GetAsync($"/api/v1/tenants/{a1}").ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("deleted", (await mspAdmin.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK)).Text("status"));

        var restored = await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/restore", null).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("active", restored.Text("status"));
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("purgeAfter").ValueKind);
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("deletedAt").ValueKind);
        await member.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Restoring_an_active_tenant_is_a_conflict()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));

        await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/restore", null).ProblemAsync(HttpStatusCode.Conflict);
        await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/resume", null).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(TenantStatus.Active, await StatusAsync(a1));
    }

    [Fact]
    public async Task Purging_a_deleted_tenant_after_its_grace_period_removes_access_data_and_keeps_the_audit_trail()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var member = await Data.UserAsync(a1, Role.Admin);
        var technician = await Data.UserAsync(msp, Role.Analyst, CustomerScope.SelectedCustomers, a1, a2);
        await Data.TokenAsync(member, a1);
        await mspAdmin.PostAsJsonAsync($"/api/v1/tenants/{a1}/invitations", new { email = $"late-{Guid.NewGuid():N}@test.example", role = "viewer" }).ReadAsync(HttpStatusCode.Created);
        await mspAdmin.DeleteAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await App.InPlatformAsync(db => db.Tenants.Where(t => t.Id == a1).ExecuteUpdateAsync(s => s.SetProperty(t => t.PurgeAfter, DateTimeOffset.UtcNow.AddMinutes(-1))));

        await PurgeAsync(a1);

        Assert.Equal(TenantStatus.Purged, await StatusAsync(a1));
        Assert.Equal(0, await App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == a1)));
        Assert.Equal(0, await App.InPlatformAsync(db => db.MembershipCustomers.CountAsync(c => c.CustomerTenantId == a1)));
        Assert.Equal(1, await App.InPlatformAsync(db => db.MembershipCustomers.CountAsync(c => c.MembershipId == technician.MembershipId && c.CustomerTenantId == a2)));
        var (tokens, invitations, actions, chain) = await App.InTenantAsync(a1, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            return (
                await db.ApiTokens.CountAsync(),
                await db.Invitations.CountAsync(),
                await db.AuditRecords.Where(r => r.TenantId == a1).Select(r => r.Action).ToListAsync(),
                await services.GetRequiredService<AuditVerification>().VerifyAsync(a1));
        });
        Assert.Equal(0, tokens);
        Assert.Equal(0, invitations);
        Assert.Contains("invitation.created", actions);
        Assert.Contains("tenant.deleted", actions);
        Assert.Contains("tenant.purged", actions);
        Assert.True(chain.IsValid, chain.Problem);
        Assert.Equal(actions.Count, chain.RecordsChecked);
        await mspAdmin.GetAsync($"/api/v1/tenants/{a1}").ProblemAsync(HttpStatusCode.NotFound);
        await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/restore", null).ProblemAsync(HttpStatusCode.NotFound);
        var customers = await mspAdmin.GetAsync($"/api/v1/msps/{msp}/customers").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(a2, Assert.Single(customers.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_deleted_tenant_inside_its_grace_period_is_not_purged()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var mspAdmin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        await Data.UserAsync(a1, Role.Admin);
        await mspAdmin.DeleteAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);

        await PurgeAsync(a1);

        Assert.Equal(TenantStatus.Deleted, await StatusAsync(a1));
        Assert.Equal(1, await App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == a1)));
        await mspAdmin.PostAsync($"/api/v1/tenants/{a1}/restore", null).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_duplicate_customer_name_under_the_same_msp_is_a_400_on_name()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var otherMsp = await Data.TenantAsync(TenantKind.Msp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var otherAdmin = await SignInAsync(await Data.UserAsync(otherMsp, Role.Admin));
        await admin.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "Contoso Dental" }).ReadAsync(HttpStatusCode.Created);

        await admin.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "Contoso Dental" }).FieldErrorAsync("name");
        await admin.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "  Contoso Dental  " }).FieldErrorAsync("name");

        await otherAdmin.PostAsJsonAsync($"/api/v1/msps/{otherMsp}/customers", new { name = "Contoso Dental" }).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(1, await App.InPlatformAsync(db => db.Tenants.CountAsync(t => t.ParentId == msp)));
    }

    [Fact]
    public async Task Renaming_to_a_sibling_customers_name_is_a_400_on_name()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp, $"Taken {Guid.NewGuid():N}");
        var a2 = await Data.TenantAsync(TenantKind.Customer, msp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var taken = (await admin.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK)).Text("name");

        await admin.PatchAsJsonAsync($"/api/v1/tenants/{a2}", new { name = taken }).FieldErrorAsync("name");
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("not a zone")]
    public async Task An_unknown_time_zone_is_a_400_on_time_zone(string timeZone)
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));

        await admin.PostAsJsonAsync($"/api/v1/msps/{msp}/customers", new { name = "Zoneless", timeZone }).FieldErrorAsync("timeZone");
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{msp}", new { timeZone }).FieldErrorAsync("timeZone");
    }

    [Fact]
    public async Task A_customer_admin_gives_an_existing_user_the_viewer_role_and_they_can_read()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp);
        var admin = await SignInAsync(await Data.UserAsync(customer, Role.Admin));
        // A technician of the customer's MSP, limited to no customer yet: same organisation, no access so far.
        var outsider = await Data.UserAsync(msp, Role.Viewer, CustomerScope.SelectedCustomers);
        var outsiderClient = await SignInAsync(outsider);
        await outsiderClient.GetAsync($"/api/v1/tenants/{customer}").ProblemAsync(HttpStatusCode.NotFound);
        var otherOrganisation = await Data.UserAsync(await Data.TenantAsync(TenantKind.Customer, msp), Role.Viewer);
        await admin.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = otherOrganisation.Email, role = "viewer" }).FieldErrorAsync("email");

        var membership = await admin.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = outsider.Email, role = "viewer" }).ReadAsync(HttpStatusCode.Created);

        Assert.Equal(outsider.Id, membership.GetProperty("userId").GetGuid());
        Assert.Equal("viewer", membership.Text("role"));
        await outsiderClient.GetAsync($"/api/v1/tenants/{customer}").ReadAsync(HttpStatusCode.OK);
        await outsiderClient.GetAsync($"/api/v1/tenants/{customer}/users").ProblemAsync(HttpStatusCode.Forbidden);
        await admin.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = outsider.Email, role = "viewer" }).FieldErrorAsync("role");
        await admin.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = "no-account@test.example", role = "viewer" }).FieldErrorAsync("email");
    }

    [Fact]
    public async Task Removing_the_last_admin_is_a_conflict()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var only = await Data.UserAsync(customer, Role.Admin);
        var admin = await SignInAsync(only);

        await admin.DeleteAsync($"/api/v1/tenants/{customer}/memberships/{only.MembershipId}").ProblemAsync(HttpStatusCode.Conflict);
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}/memberships/{only.MembershipId}", new { role = "viewer" }).ProblemAsync(HttpStatusCode.Conflict);

        await admin.GetAsync($"/api/v1/tenants/{customer}/users").ReadAsync(HttpStatusCode.OK);
        var second = await Data.UserAsync(customer, Role.Admin);
        await admin.DeleteAsync($"/api/v1/tenants/{customer}/memberships/{second.MembershipId}").ReadAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, await App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == customer)));
    }

    [Fact]
    public async Task An_msp_membership_can_list_only_that_msps_customers()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var a1 = await Data.TenantAsync(TenantKind.Customer, msp);
        var otherMsp = await Data.TenantAsync(TenantKind.Msp);
        var b1 = await Data.TenantAsync(TenantKind.Customer, otherMsp);
        var admin = await SignInAsync(await Data.UserAsync(msp, Role.Admin));
        var hire = await Data.UserAsync(await Data.TenantAsync(TenantKind.Customer, msp), Role.Viewer);

        await admin.PostAsJsonAsync($"/api/v1/tenants/{msp}/memberships",
            new { email = hire.Email, role = "analyst", customerScope = "selectedCustomers", customerIds = new[] { a1, b1 } }).FieldErrorAsync("customerIds");

        Assert.Equal(0, await App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == msp && m.UserId == hire.Id)));
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{msp}/memberships",
            new { email = hire.Email, role = "analyst", customerScope = "selectedCustomers", customerIds = new[] { a1 } }).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("selectedCustomers", created.Text("customerScope"));
        Assert.Equal(a1, Assert.Single(created.GetProperty("customerIds").EnumerateArray()).GetGuid());
        var hireClient = await SignInAsync(hire);
        await hireClient.GetAsync($"/api/v1/tenants/{a1}").ReadAsync(HttpStatusCode.OK);
        await hireClient.GetAsync($"/api/v1/tenants/{b1}").ProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<HttpClient> PlatformAdminAsync() => await SignInAsync(await Data.UserAsync(App.PlatformTenantId, Role.Admin));

    private Task<HttpClient> SignInAsync(TestUser user) => App.SignInAsync(user.Email);

    private Task<TenantStatus> StatusAsync(Guid tenantId) =>
        App.InPlatformAsync(db => db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Status).SingleAsync());

    private Task<bool> PurgeAsync(Guid tenantId) => App.InTenantAsync(tenantId, async services =>
    {
        await TenantPurgeWorker.PurgeAsync(services, tenantId, DateTimeOffset.UtcNow, CancellationToken.None);
        return true;
    });
}
