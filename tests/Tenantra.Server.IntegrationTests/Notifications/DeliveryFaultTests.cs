using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Notifications;
using Tenantra.TestCommon;
using Xunit.Abstractions;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>
/// The delivery fault test: 10,000 webhook notifications delivered by separate <c>tenantra worker</c>
/// processes that are killed (SIGKILL) again and again, to a receiver that fails 30% of requests at
/// random. Nothing may be lost, nothing delivered twice once repeats are dropped by idempotency key,
/// and every delivery ends delivered or visibly dead-lettered. On PostgreSQL two worker nodes share
/// the queue. SQLite is the single-node deployment: there one worker process is killed and restarted.
/// </summary>
public sealed class DeliveryFaultTests(TestReceivers receivers, ITestOutputHelper output) : IClassFixture<TestReceivers>
{
    private const int Notifications = 10_000;

    [Fact]
    public async Task Ten_thousand_webhooks_survive_killed_workers_and_a_flaky_receiver_with_none_lost_or_duplicated()
    {
        await receivers.ResetAsync();
        await receivers.ConfigureAsync(failRate: 0.3);
        await using var database = await TestDatabase.CreateAsync();
        var settings = database.Settings();
        settings["Tenantra:Notifications:AllowPrivateAddresses"] = "true";
        settings["Tenantra:Notifications:MaxAttempts"] = "10";
        settings["Tenantra:Jobs:Concurrency"] = "8";
        settings["Tenantra:Jobs:LeaseSeconds"] = "2";
        settings["Tenantra:Jobs:PollMilliseconds"] = "20";
        settings["Tenantra:Jobs:RetryFirstDelaySeconds"] = "0.2";
        await using var app = await TenantraTestApp.StartAsync(settings, database: database);
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer, name: "Fault Tolerant Dental");
        using var admin = await app.SignInAsync((await data.UserAsync(tenant, Role.Admin)).Email);
        // People are left out (the test event muted for them): the endpoint is the only recipient.
        await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/preferences/tenant", new
        {
            rules = new[] { new { eventType = NotificationCatalog.Test, channels = Array.Empty<string>(), minSeverity = "info" } },
            digest = "immediate",
            criticalBypassesQuietHours = true,
            throttleMinutes = 0,
        }).ReadAsync(HttpStatusCode.OK);
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/endpoints", new { name = "flaky receiver", kind = "webhook", url = receivers.HookUrl("fault"), minSeverity = "info" })
            .ReadAsync(HttpStatusCode.Created);
        await app.InTenantAsync(tenant, async services =>
        {
            var publisher = services.GetRequiredService<NotificationPublisher>();
            var db = services.GetRequiredService<TenantraDbContext>();
            for (var i = 0; i < Notifications; i++)
            {
                publisher.Publish(tenant, new NotificationDraft(NotificationCatalog.Test, $"Fault {i}", NotificationSeverity.High, Fingerprint: $"fault-{i}"));
                if (i % 1000 == 999)
                {
                    await db.SaveChangesAsync();
                }
            }

            return 0;
        });

        var workers = Enumerable.Range(0, database.IsPostgres ? 2 : 1).Select(_ => WorkerProcess.Start(settings)).ToList();
        var kills = 0;
        var clock = Stopwatch.StartNew();
        var random = new Random(20261122);
        (int Routed, int Open, int Deliveries) progress = default;
        try
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(6))
            {
                await Task.Delay(random.Next(2500, 5000));
                progress = await ProgressAsync(app, tenant);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {progress.Routed:N0} routed, {progress.Open:N0} open of {progress.Deliveries:N0} deliveries, {kills} kills");
                if (progress.Routed == Notifications && progress.Open == 0)
                {
                    break;
                }

                // Kill one at random, mid-whatever, and put a fresh node in its place.
                var victim = random.Next(workers.Count);
                workers[victim].Kill();
                workers[victim].Dispose();
                workers[victim] = WorkerProcess.Start(settings);
                kills++;
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        Assert.True(progress.Routed == Notifications && progress.Open == 0,
            $"Not finished after {clock.Elapsed}: {progress}. A worker said:\n{workers[0].LastLines}");
        var deliveries = await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().NotificationDeliveries.AsNoTracking()
            .Select(d => new { d.Id, d.EventId, d.Status, d.Attempts }).ToListAsync());
        var ledger = await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().NotificationAttempts.AsNoTracking()
            .Select(a => new { a.DeliveryId, a.Outcome }).ToListAsync());
        var hooks = (await receivers.HooksAsync()).Where(h => h.Path == "/hook/fault").ToList();

        // One delivery per event: routing reruns after kills added none.
        Assert.Equal(Notifications, deliveries.Count);
        Assert.Equal(Notifications, deliveries.Select(d => d.EventId).Distinct().Count());
        Assert.All(deliveries, d => Assert.True(d.Status is DeliveryStatus.Delivered or DeliveryStatus.Dead, $"{d.Id} is {d.Status}"));
        var delivered = deliveries.Where(d => d.Status == DeliveryStatus.Delivered).Select(d => $"msg_{d.Id:N}").ToHashSet();
        var dead = deliveries.Where(d => d.Status == DeliveryStatus.Dead).Select(d => d.Id).ToHashSet();

        // 0 lost: every delivery the ledger calls delivered reached the receiver with a 2xx.
        var accepted = hooks.Where(h => h.Status < 300).Select(h => h.Headers["webhook-id"]).ToList();
        var acceptedKeys = accepted.ToHashSet();
        Assert.Empty(delivered.Except(acceptedKeys));
        // 0 duplicates by idempotency key: every key the receiver accepted is one delivery, so dropping repeats leaves exactly one each.
        var knownKeys = deliveries.Select(d => $"msg_{d.Id:N}").ToHashSet();
        Assert.Empty(acceptedKeys.Except(knownKeys));
        // Dead letters are visible: each has a dead attempt in the ledger.
        Assert.All(dead, id => Assert.Contains(ledger, a => a.DeliveryId == id && a.Outcome == AttemptOutcome.Dead));
        Assert.Equal(delivered.Count, ledger.Where(a => a.Outcome == AttemptOutcome.Delivered).Select(a => a.DeliveryId).Distinct().Count());
        Assert.True(kills >= 5, $"Only {kills} kills: the run was too short to test anything.");
        Assert.True(hooks.Count(h => h.Status >= 500) > Notifications / 5, "The receiver did not fail about 30% of requests.");

        output.WriteLine(
            $"{Notifications:N0} notifications in {clock.Elapsed.TotalSeconds:F0} s with {kills} worker kills: {delivered.Count:N0} delivered, {dead.Count} dead letters; " +
            $"receiver saw {hooks.Count:N0} requests ({hooks.Count(h => h.Status >= 500):N0} failed on purpose), {accepted.Count - acceptedKeys.Count} accepted repeats dropped by idempotency key");
    }

    private static Task<(int Routed, int Open, int Deliveries)> ProgressAsync(TenantraTestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, async s =>
        {
            var db = s.GetRequiredService<TenantraDbContext>();
            var routed = await db.NotificationEvents.CountAsync(e => e.RoutedAt != null);
            var open = await db.NotificationDeliveries.CountAsync(d => d.Status == DeliveryStatus.Pending);
            var deliveries = await db.NotificationDeliveries.CountAsync();
            return (routed, open, deliveries);
        });
}
