using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Agents;
using Tenantra.Server.IntegrationTests.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// The server binary's one-shot commands, run in-process against a test database exactly as an
/// operator runs them: settings as <c>--Key=value</c> tokens, exit codes 0 (done), 1 (the work
/// found a problem), 2 (bad usage).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AuditVerifyCommandTests
{
    private const string AdminPassword = "a long password here";

    [Fact]
    public async Task Audit_verify_passes_an_intact_database_and_fails_for_a_changed_field_a_removed_last_record_and_a_removed_middle_record()
    {
        await using var app = await TenantraTestApp.StartAsync();
        var data = new TestData(app);
        var msp = await data.TenantAsync(TenantKind.Msp);
        var customers = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            customers.Add(await data.TenantAsync(TenantKind.Customer, msp));
        }

        var client = await app.SignInAsync((await data.UserAsync(app.PlatformTenantId, Role.Admin)).Email);
        foreach (var customer in customers)
        {
            for (var i = 1; i <= 3; i++)
            {
                var response = await client.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = $"Renamed {customer:N} {i}" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        // Platform (the admin's sign-in), the MSP (none) and four customers with three records each.
        var intact = await RunAsync(app.Database, "audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("6 chains, 13 records and 0 signed anchors checked, 0 broken (", intact.Output, StringComparison.Ordinal);

        var (changed, lastRemoved, middleRemoved, untouched) = (customers[0], customers[1], customers[2], customers[3]);
        await using (var owner = await OwnerConnection.OpenAsync(app.Database, changed, lastRemoved, middleRemoved))
        {
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner,
                "UPDATE audit_records SET action = 'tenant.deleted' WHERE tenant_id = @tenant AND sequence = 2", ("tenant", OwnerConnection.Id(owner, changed))));
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner,
                "DELETE FROM audit_records WHERE tenant_id = @tenant AND sequence = 3", ("tenant", OwnerConnection.Id(owner, lastRemoved))));
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner,
                "DELETE FROM audit_records WHERE tenant_id = @tenant AND sequence = 2", ("tenant", OwnerConnection.Id(owner, middleRemoved))));
        }

        var all = await RunAsync(app.Database, "audit", "verify");
        Assert.True(all.ExitCode == 1, all.Output);
        Assert.Contains("3 broken (", all.Output, StringComparison.Ordinal);

        var field = await RunAsync(app.Database, "audit", "verify", "--tenant", changed.ToString());
        Assert.True(field.ExitCode == 1, field.Output);
        Assert.Contains("BROKEN", field.Output, StringComparison.Ordinal);
        Assert.Contains($"({changed}): record 2: hash does not match its contents", field.Output, StringComparison.Ordinal);

        var last = await RunAsync(app.Database, "audit", "verify", "--tenant", lastRemoved.ToString());
        Assert.True(last.ExitCode == 1, last.Output);
        Assert.Contains($"({lastRemoved}): chain ends at 2 but head says 3", last.Output, StringComparison.Ordinal);

        var middle = await RunAsync(app.Database, "audit", "verify", "--tenant", middleRemoved.ToString());
        Assert.True(middle.ExitCode == 1, middle.Output);
        Assert.Contains($"({middleRemoved}): record 2: sequence 3 follows 1 (gap)", middle.Output, StringComparison.Ordinal);

        var whole = await RunAsync(app.Database, "audit", "verify", "--tenant", untouched.ToString());
        Assert.True(whole.ExitCode == 0, whole.Output);
        Assert.Contains("1 chains, 3 records and 0 signed anchors checked, 0 broken (", whole.Output, StringComparison.Ordinal);

        var unknown = await RunAsync(app.Database, "audit", "verify", "--tenant", Guid.NewGuid().ToString());
        Assert.True(unknown.ExitCode == 2, unknown.Output);
    }

    [Fact]
    public async Task Admin_create_makes_a_platform_admin_who_can_sign_in_and_refuses_a_taken_email_or_a_weak_password()
    {
        await using var app = await TenantraTestApp.StartAsync();

        var created = await RunAsync(app.Database, "admin", "create", "--email", "x@y.example", "--password", AdminPassword);
        Assert.True(created.ExitCode == 0, created.Output);

        var client = await app.SignInAsync("x@y.example", AdminPassword);
        var me = await client.GetFromJsonAsync<MeResponse>("/api/v1/auth/me");
        Assert.True(me!.IsPlatformAdmin);
        Assert.Equal(app.PlatformTenantId, Assert.Single(me.Memberships).TenantId);

        var duplicate = await RunAsync(app.Database, "admin", "create", "--email", "x@y.example", "--password", "another long password");
        Assert.True(duplicate.ExitCode == 2, duplicate.Output);
        var weak = await RunAsync(app.Database, "admin", "create", "--email", "weak@y.example", "--password", "short");
        Assert.True(weak.ExitCode == 2, weak.Output);
        var invalid = await RunAsync(app.Database, "admin", "create", "--email", "not-an-email", "--password", AdminPassword);
        Assert.True(invalid.ExitCode == 2, invalid.Output);

        var emails = await app.InPlatformAsync(db => db.Users.Select(u => u.Email).ToListAsync());
        Assert.Equal(["x@y.example"], emails);
        // The original password still works: the duplicate changed nothing.
        await app.SignInAsync("x@y.example", AdminPassword);
    }

    [Fact]
    public async Task Keys_rotate_adds_a_payload_key_each_time_and_the_server_uses_the_newest()
    {
        await using var app = await TenantraTestApp.StartAsync();

        var first = await RunAsync(app.Database, "keys", "rotate");
        var second = await RunAsync(app.Database, "keys", "rotate");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Payload key 2", second.Output, StringComparison.Ordinal);
        Assert.Equal([1, 2], await app.InPlatformAsync(db => db.PayloadKeys.Select(k => k.Id).OrderBy(id => id).ToListAsync()));
        var (keyId, _) = await app.Services.GetRequiredService<PayloadKeyRing>().EncryptAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(2, keyId);
    }

    [Fact]
    public async Task Seed_demo_creates_northwind_with_three_customers_and_users_in_every_role_once()
    {
        await using var app = await TenantraTestApp.StartAsync();

        var first = await RunAsync(app.Database, "seed-demo");
        Assert.True(first.ExitCode == 0, first.Output);
        var seeded = await DemoCountsAsync(app);

        var msp = await app.InPlatformAsync(db => db.Tenants.SingleAsync(t => t.Name == "Northwind IT Services"));
        Assert.Equal(TenantKind.Msp, msp.Kind);
        Assert.Equal(app.PlatformTenantId, msp.ParentId);
        var customers = await app.InPlatformAsync(db => db.Tenants.Where(t => t.ParentId == msp.Id).OrderBy(t => t.Name).ToListAsync());
        Assert.Equal(["Contoso Dental Group", "Fabrikam Logistics", "Tailspin Legal LLP"], customers.Select(c => c.Name));
        Assert.All(customers, c => Assert.Equal(TenantKind.Customer, c.Kind));

        var memberships = await app.InPlatformAsync(db => db.Memberships.AsNoTracking().Include(m => m.Customers).ToListAsync());
        var users = await app.InPlatformAsync(db => db.Users.AsNoTracking().ToListAsync());
        foreach (var customer in customers)
        {
            var held = memberships.Where(m => m.TenantId == customer.Id).ToList();
            Assert.Equal(Enum.GetValues<Role>().Order(), held.Select(m => m.Role).Order());
            Assert.All(held, m => Assert.Equal(customer.Id, users.Single(u => u.Id == m.UserId).HomeTenantId));
        }

        var staff = memberships.Where(m => m.TenantId == msp.Id).ToList();
        Assert.Equal(new[] { Role.Admin, Role.Analyst, Role.Analyst, Role.Auditor, Role.Billing }.Order(), staff.Select(m => m.Role).Order());
        var limited = Assert.Single(staff, m => m.CustomerScope == CustomerScope.SelectedCustomers);
        Assert.Equal(2, limited.Customers.Count);
        Assert.Equal(20, users.Count(u => u.HomeTenantId == msp.Id || customers.Any(c => c.Id == u.HomeTenantId)));
        Assert.Equal((5, 20, 20), seeded);

        // Every demo user can sign in with the one password printed at the end.
        var password = first.Output.Split("Every demo user's password:")[1].Trim().Split(null)[0];
        await app.SignInAsync(users.First(u => u.HomeTenantId == customers[0].Id).Email, password);

        var second = await RunAsync(app.Database, "seed-demo");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(seeded, await DemoCountsAsync(app));

        var verify = await RunAsync(app.Database, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task Migrate_applies_the_migrations_to_a_fresh_database_and_then_reports_it_up_to_date()
    {
        await using var database = await TestDatabase.CreateAsync();
        var known = DatabaseMigrator.KnownMigrations();

        var first = await RunAsync(database, "migrate");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.All(known, m => Assert.Contains($"applied {m}", first.Output, StringComparison.Ordinal));
        Assert.Contains($"{known.Count} migrations applied.", first.Output, StringComparison.Ordinal);

        var second = await RunAsync(database, "migrate");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Already up to date.", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("applied 2", second.Output, StringComparison.Ordinal);

        await using var owner = await OwnerConnection.OpenAsync(database);
        Assert.Equal(known.Order(StringComparer.Ordinal), await OwnerConnection.StringsAsync(owner, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\""));
        Assert.Equal(1, await OwnerConnection.ScalarAsync<int>(owner, "SELECT count(*) FROM tenants WHERE kind = 'Platform'"));
        var differences = await TenantraSchema.DifferencesAsync(database);
        Assert.True(differences.Count == 0, TenantraSchema.Report(differences));
    }

    private static Task<(int ExitCode, string Output)> RunAsync(TestDatabase database, params string[] command) => CliRunner.RunAsync(database, command);

    private static Task<(int Tenants, int Users, int Memberships)> DemoCountsAsync(TenantraTestApp app) => app.InPlatformAsync(async db =>
        (await db.Tenants.CountAsync(), await db.Users.CountAsync(), await db.Memberships.CountAsync()));

    private sealed record MeResponse(Guid Id, string Email, bool IsPlatformAdmin, List<MembershipSummary> Memberships);

    private sealed record MembershipSummary(Guid TenantId, string TenantName, string Role);
}
