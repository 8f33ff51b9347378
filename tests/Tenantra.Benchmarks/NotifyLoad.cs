using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Hosting;
using Tenantra.Server.Notifications;

namespace Tenantra.Benchmarks;

/// <summary>
/// Published event → ledger entry: the server's job workers running in this process route
/// <c>--events</c> events published by <c>--publishers</c> concurrent writers (batches of
/// <c>--batch</c> per transaction) to a tenant whose <c>--users</c> members take them in the inbox;
/// the clock runs from the first publish to the last ledger entry. Prints events and ledger entries
/// per second and the publish → ledger latency.
/// </summary>
internal static class NotifyLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = IngestLoad.Number(args, "--events", 20_000);
        var publishers = IngestLoad.Number(args, "--publishers", 4);
        var batch = IngestLoad.Number(args, "--batch", 50);
        var users = IngestLoad.Number(args, "--users", 1);
        var builder = TenantraApp.CreateBuilder([.. args.Where(a => a.StartsWith("--Tenantra:", StringComparison.Ordinal))]);
        builder.Configuration["Tenantra:Workers:Enabled"] = "false"; // started after seeding, below
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddTenantraServices();
        await using var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var tenantId = await SeedAsync(app.Services, users);
        var scopes = app.Services.GetRequiredService<ITenantScopeFactory>();

        var worker = ActivatorUtilities.CreateInstance<Tenantra.Server.Platform.Jobs.JobWorker>(app.Services);
        await worker.StartAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var perPublisher = events / publishers;
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var done = 0; done < perPublisher; done += batch)
            {
                await using var scope = scopes.Enter(tenantId);
                var publisher = scope.ServiceProvider.GetRequiredService<NotificationPublisher>();
                for (var i = done; i < Math.Min(done + batch, perPublisher); i++)
                {
                    publisher.Publish(tenantId, new NotificationDraft(NotificationCatalog.DriftDetected, $"Drift {p}-{i}", NotificationSeverity.High));
                }

                await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().SaveChangesAsync();
            }
        })));
        var published = clock.Elapsed;
        var expected = perPublisher * publishers * users;
        long entries;
        do
        {
            await Task.Delay(100);
            await using var scope = scopes.Enter(tenantId);
            entries = await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().NotificationAttempts.LongCountAsync();
        }
        while (entries < expected && clock.Elapsed < TimeSpan.FromMinutes(10));

        var elapsed = clock.Elapsed;
        await worker.StopAsync(CancellationToken.None);
        List<double> latencies;
        await using (var scope = scopes.Enter(tenantId))
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var pairs = await (from a in db.NotificationAttempts join e in db.NotificationEvents on a.EventId equals e.Id select new { a.StartedAt, e.OccurredAt }).ToListAsync();
            latencies = [.. pairs.Select(x => (x.StartedAt - x.OccurredAt).TotalMilliseconds).Order()];
        }

        var engine = app.Services.GetRequiredService<DatabaseOptions>().Engine;
        var count = perPublisher * publishers;
        Console.WriteLine($"notify-load ({engine}): {count:N0} events × {users} user(s), {publishers} publishers, batches of {batch}, job concurrency {app.Configuration["Tenantra:Jobs:Concurrency"] ?? "4"}");
        Console.WriteLine($"  published in {published.TotalSeconds:F1} s; last ledger entry after {elapsed.TotalSeconds:F1} s ({entries:N0} of {expected:N0} entries)");
        Console.WriteLine($"  throughput: {count / elapsed.TotalSeconds:F0} events/s, {entries / elapsed.TotalSeconds:F0} ledger entries/s");
        Console.WriteLine($"  publish → ledger latency: p50 {IngestLoad.Percentile(latencies, 0.50):F0} ms, p99 {IngestLoad.Percentile(latencies, 0.99):F0} ms");
        return entries >= expected ? 0 : 1;
    }

    /// <summary>A customer whose users take drift in the inbox only (no email, no endpoints): the ledger entry is the delivery.</summary>
    private static async Task<Guid> SeedAsync(IServiceProvider services, int users)
    {
        var platformId = await services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync();
        var scopes = services.GetRequiredService<ITenantScopeFactory>();
        var tenant = new Tenant { Kind = TenantKind.Customer, ParentId = platformId, Name = $"Notify bench {Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow };
        await using (var scope = scopes.Enter(platformId))
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
        }

        await using (var scope = scopes.Enter(tenant.Id))
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            for (var i = 0; i < users; i++)
            {
                var email = $"bench{i}-{tenant.Id:N}@notify.example";
                var user = new User { Email = email, NormalizedEmail = email.ToUpperInvariant(), DisplayName = $"Bench {i}", HomeTenantId = tenant.Id, CreatedAt = DateTimeOffset.UtcNow };
                db.Users.Add(user);
                db.Memberships.Add(new Membership { TenantId = tenant.Id, UserId = user.Id, Role = Role.Analyst, CreatedAt = user.CreatedAt });
            }

            db.NotificationRules.Add(new NotificationRule { TenantId = tenant.Id, UserId = Guid.Empty, EventType = NotificationCatalog.DriftDetected, Channels = UserChannels.InApp, MinSeverity = NotificationSeverity.Info });
            db.NotificationSchedules.Add(new NotificationSchedule { TenantId = tenant.Id, UserId = Guid.Empty, ThrottleMinutes = 0 });
            await db.SaveChangesAsync();
        }

        return tenant.Id;
    }
}
