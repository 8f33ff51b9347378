using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Hosting;
using Tenantra.Server.Identity;

namespace Tenantra.Server.Cli;

/// <summary>
/// Demo data: an MSP with three customers, a user in every role in each, an MSP admin, an
/// MSP technician limited to two customers, and an MSP auditor. All share one printed password.
/// </summary>
internal static class DemoSeeder
{
    public const string MspName = "Northwind IT Services";
    public static readonly string[] CustomerNames = ["Contoso Dental Group", "Fabrikam Logistics", "Tailspin Legal LLP"];

    private static readonly (string First, string Last)[] s_people =
    [
        ("Amelia", "Hart"), ("Bruno", "Castillo"), ("Chen", "Wei"), ("Dana", "Okafor"), ("Elif", "Yilmaz"),
        ("Farah", "Haddad"), ("Gustav", "Lindqvist"), ("Hana", "Sato"), ("Ivan", "Petrov"), ("Jade", "Moreau"),
        ("Kofi", "Mensah"), ("Lucia", "Romano"), ("Mateo", "Silva"), ("Nora", "Berg"), ("Omar", "Farouk"),
        ("Priya", "Nair"), ("Quinn", "Doyle"), ("Rosa", "Jimenez"), ("Sven", "Olsen"), ("Tara", "Kelly"),
        ("Uma", "Patel"), ("Victor", "Hugo"),
    ];

    public static async Task<int> RunAsync(IServiceProvider services, string? chosenPassword, CancellationToken cancellationToken)
    {
        if (chosenPassword is { Length: < 12 })
        {
            AnsiConsole.MarkupLine("[red]--password must be at least 12 characters.[/]");
            return TenantraCli.Usage;
        }

        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var platformId = await services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync(cancellationToken);
        var clock = services.GetRequiredService<TimeProvider>();
        await using (var check = services.CreateAsyncScope())
        {
            if (await check.ServiceProvider.GetRequiredService<TenantraDbContext>().Tenants.AnyAsync(t => t.Name == MspName, cancellationToken))
            {
                AnsiConsole.MarkupLine("[yellow]Demo data is already present.[/]");
                return TenantraCli.Success;
            }
        }

        var password = chosenPassword ?? SecretTokens.New("Demo-", 9);
        var people = new Queue<(string First, string Last)>(s_people);
        var created = new List<(string Tenant, string Email, string Roles)>();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Seeding demo tenants", maxValue: 1 + CustomerNames.Length);
            var mspId = await CreateTenantAsync(services, platformId, TenantKind.Msp, MspName, clock, cancellationToken);
            var customerIds = new List<Guid>();
            foreach (var name in CustomerNames)
            {
                customerIds.Add(await CreateTenantAsync(services, mspId, TenantKind.Customer, name, clock, cancellationToken));
            }

            await AddUserAsync(services, mspId, "northwind.example", people.Dequeue(), Role.Admin, CustomerScope.AllCustomers, [], password, created, clock, cancellationToken);
            await AddUserAsync(services, mspId, "northwind.example", people.Dequeue(), Role.Analyst, CustomerScope.AllCustomers, [], password, created, clock, cancellationToken);
            await AddUserAsync(services, mspId, "northwind.example", people.Dequeue(), Role.Analyst, CustomerScope.SelectedCustomers, customerIds.Take(2).ToList(), password, created, clock, cancellationToken);
            await AddUserAsync(services, mspId, "northwind.example", people.Dequeue(), Role.Auditor, CustomerScope.AllCustomers, [], password, created, clock, cancellationToken);
            await AddUserAsync(services, mspId, "northwind.example", people.Dequeue(), Role.Billing, CustomerScope.AllCustomers, [], password, created, clock, cancellationToken);
            task.Increment(1);
            for (var i = 0; i < customerIds.Count; i++)
            {
                var domain = CustomerNames[i].Split(' ')[0].ToLowerInvariant() + ".example";
                foreach (var role in Enum.GetValues<Role>())
                {
                    await AddUserAsync(services, customerIds[i], domain, people.Dequeue(), role, CustomerScope.AllCustomers, [], password, created, clock, cancellationToken);
                }

                task.Increment(1);
            }
        });

        var table = new Table().AddColumns("Tenant", "Email", "Role");
        foreach (var (tenant, email, roles) in created)
        {
            table.AddRow(Markup.Escape(tenant), Markup.Escape(email), Markup.Escape(roles));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Every demo user's password: [bold]{password}[/]");
        return TenantraCli.Success;
    }

    private static async Task<Guid> CreateTenantAsync(IServiceProvider services, Guid parentId, TenantKind kind, string name, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var scope = services.GetRequiredService<ITenantScopeFactory>().Enter(parentId);
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var tenant = new Tenant { ParentId = parentId, Kind = kind, Name = name, CreatedAt = clock.GetUtcNow() };
        db.Tenants.Add(tenant);
        await scope.ServiceProvider.GetRequiredService<AuditWriter>().StageAsync(parentId, new AuditEvent("tenant.created", "tenant", tenant.Id, After: new { tenant.Name, tenant.Kind }) { ActorName = "seed-demo" });
        await db.SaveChangesAsync(cancellationToken);
        return tenant.Id;
    }

    private static async Task AddUserAsync(
        IServiceProvider services, Guid tenantId, string domain, (string First, string Last) person, Role role, CustomerScope scope, List<Guid> customers,
        string password, List<(string, string, string)> created, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var tenantScope = services.GetRequiredService<ITenantScopeFactory>().Enter(tenantId);
        var db = tenantScope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var users = tenantScope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var email = $"{person.First}.{person.Last}@{domain}".ToLowerInvariant();
        var user = new User { Email = email, NormalizedEmail = users.NormalizeEmail(email), DisplayName = $"{person.First} {person.Last}", HomeTenantId = tenantId, CreatedAt = clock.GetUtcNow() };
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        var membership = new Membership { TenantId = tenantId, UserId = user.Id, Role = role, CustomerScope = scope, CreatedAt = user.CreatedAt };
        membership.Customers.AddRange(customers.Select(c => new MembershipCustomer { MembershipId = membership.Id, CustomerTenantId = c }));
        db.Users.Add(user);
        db.Memberships.Add(membership);
        await tenantScope.ServiceProvider.GetRequiredService<AuditWriter>().StageAsync(tenantId, new AuditEvent("user.created", "user", user.Id, After: new { user.Email, role }) { ActorName = "seed-demo" });
        await db.SaveChangesAsync(cancellationToken);
        var tenantName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(cancellationToken);
        created.Add((tenantName, email, scope == CustomerScope.SelectedCustomers ? $"{role} (2 customers)" : role.ToString()));
    }
}
