using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Agents;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Agents;
using Tenantra.Server.Hosting;
using Tenantra.Server.Identity;

namespace Tenantra.Benchmarks;

/// <summary>
/// A customer tenant (under a new MSP) with an unlimited enrollment token, written straight to the
/// database named by the <c>--Tenantra:</c> settings, as the console would create them. Agents then
/// enroll with the token over HTTP like real ones. <c>enrollment-token --token-file F</c> writes the
/// token for the published agent (scripts/bench agent).
/// </summary>
internal static class BenchTenant
{
    public sealed record Created(Guid TenantId, string Token, DatabaseEngine Engine);

    public static async Task<int> RunAsync(string[] args)
    {
        var created = await CreateAsync(args, "bench agents");
        await File.WriteAllTextAsync(LoadSeeder.Arg(args, "--token-file", "enrollment-token.txt"), created.Token);
        Console.WriteLine($"enrollment token for tenant {created.TenantId} ({created.Engine}) written");
        return 0;
    }

    public static async Task<Created> CreateAsync(string[] args, string label)
    {
        var builder = TenantraApp.CreateBuilder([.. args.Where(a => a.StartsWith("--Tenantra:", StringComparison.Ordinal))]);
        builder.Configuration["Tenantra:Workers:Enabled"] = "false";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddTenantraServices();
        await using var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var platformId = await app.Services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync();
        var secret = SecretTokens.New(EnrollmentTokenEndpoints.TokenPrefix);
        Guid tenantId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var msp = new Tenant { Kind = TenantKind.Msp, ParentId = platformId, Name = $"Bench MSP {Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow };
            var customer = new Tenant { Kind = TenantKind.Customer, ParentId = msp.Id, Name = $"Bench fleet {Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.AddRange(msp, customer);
            await db.SaveChangesAsync();
            tenantId = customer.Id;
        }

        await using (var scope = app.Services.GetRequiredService<ITenantScopeFactory>().Enter(tenantId))
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            db.EnrollmentTokens.Add(new EnrollmentToken
            {
                TenantId = tenantId,
                Label = label,
                Prefix = secret[..12],
                SecretHash = SecretTokens.Hash(secret),
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            });
            await db.SaveChangesAsync();
        }

        return new Created(tenantId, secret, app.Services.GetRequiredService<DatabaseOptions>().Engine);
    }
}
