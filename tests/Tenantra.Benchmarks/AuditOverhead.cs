using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Hosting;

namespace Tenantra.Benchmarks;

/// <summary>
/// What the audit write adds to a mutating request: the same change (toggle a feature flag and
/// save) with and without a staged audit record, interleaved, each in its own tenant scope and
/// transaction as a request would run. Prints p50/p99 of both and the difference.
/// </summary>
internal static class AuditOverhead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = int.Parse(LoadSeeder.Arg(args, "--iterations", "3000"), System.Globalization.CultureInfo.InvariantCulture);
        var builder = TenantraApp.CreateBuilder([.. args.Where(a => a.StartsWith("--Tenantra:", StringComparison.Ordinal))]);
        builder.Configuration["Tenantra:Workers:Enabled"] = "false";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddTenantraServices();
        await using var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var platformId = await app.Services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync();
        var tenantId = Guid.Empty;
        await using (var scope = app.Services.GetRequiredService<ITenantScopeFactory>().Enter(platformId))
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var tenant = new Tenant { Kind = TenantKind.Msp, ParentId = platformId, Name = $"Audit bench {Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }

        var without = new List<double>(iterations);
        var with = new List<double>(iterations);
        for (var i = 0; i < iterations + 200; i++)
        {
            var plain = await ChangeAsync(app.Services, tenantId, audited: false);
            var audited = await ChangeAsync(app.Services, tenantId, audited: true);
            if (i >= 200)
            {
                without.Add(plain);
                with.Add(audited);
            }
        }

        var engine = app.Services.GetRequiredService<DatabaseOptions>().Engine;
        Console.WriteLine($"audit-overhead ({engine}, {iterations} changes each, after 200 warm-up):");
        Console.WriteLine($"  change without audit record: p50 {Percentile(without, 0.50):F3} ms  p99 {Percentile(without, 0.99):F3} ms");
        Console.WriteLine($"  change with audit record:    p50 {Percentile(with, 0.50):F3} ms  p99 {Percentile(with, 0.99):F3} ms");
        Console.WriteLine($"  added by the audit write:    p50 {Percentile(with, 0.50) - Percentile(without, 0.50):F3} ms  p99 {Percentile(with, 0.99) - Percentile(without, 0.99):F3} ms");
        return 0;
    }

    private static async Task<double> ChangeAsync(IServiceProvider services, Guid tenantId, bool audited)
    {
        var key = audited ? "audit" : "users";
        await using var scope = services.GetRequiredService<ITenantScopeFactory>().Enter(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var watch = Stopwatch.StartNew();
        // Both variants read first and then save in one transaction, as a request does.
        var flag = await db.FeatureOverrides.AsTracking().SingleOrDefaultAsync(f => f.TenantId == tenantId && f.FeatureKey == key);
        if (flag is null)
        {
            db.FeatureOverrides.Add(flag = new FeatureOverride { TenantId = tenantId, FeatureKey = key });
        }

        flag.Enabled = !flag.Enabled;
        flag.UpdatedAt = DateTimeOffset.UtcNow;
        if (audited)
        {
            await scope.ServiceProvider.GetRequiredService<AuditWriter>().StageAsync(tenantId, new AuditEvent("feature.set", "feature", key, new { Enabled = !flag.Enabled }, new { flag.Enabled }));
            await db.SaveChangesAsync();
        }
        else
        {
            // The same transaction shape as the audited save, so only the audit work differs.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
