using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Jobs;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Notifications;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>A test app with running workers, a movable clock and email/endpoints pointed at the test receivers.</summary>
public sealed class NotificationHarness : IAsyncDisposable
{
    private NotificationHarness(TenantraTestApp app, ShiftableClock clock, TestData data)
    {
        App = app;
        Clock = clock;
        Data = data;
    }

    public TenantraTestApp App { get; }

    public ShiftableClock Clock { get; }

    public TestData Data { get; }

    public static async Task<NotificationHarness> StartAsync(
        TestReceivers? receivers, IDictionary<string, string?>? settings = null, DateTimeOffset? now = null, bool listenOnLoopback = false)
    {
        var clock = new ShiftableClock();
        if (now is { } start)
        {
            clock.Set(start);
        }

        var all = receivers?.Settings() ?? [];
        all["Tenantra:Workers:Enabled"] = "true";
        all["Tenantra:Jobs:PollMilliseconds"] = "25";
        all["Tenantra:Jobs:RetryFirstDelaySeconds"] = "0.05";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = await TenantraTestApp.StartAsync(all, listenOnLoopback, services: s => s.AddSingleton<TimeProvider>(clock));
        return new NotificationHarness(app, clock, new TestData(app));
    }

    public async Task<Guid> PublishAsync(Guid tenantId, NotificationDraft draft) =>
        await App.InTenantAsync(tenantId, async services =>
        {
            var published = services.GetRequiredService<NotificationPublisher>().Publish(tenantId, draft);
            await services.GetRequiredService<TenantraDbContext>().SaveChangesAsync();
            return published.Id;
        });

    /// <summary>Waits until no job is due or running (everything that can happen now has happened).</summary>
    public async Task SettleAsync(double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var now = Clock.GetUtcNow();
            var busy = await App.InPlatformAsync(db => db.Jobs.CountAsync(j => j.Status == JobStatus.Running || (j.Status == JobStatus.Pending && j.RunAfter <= now)));
            if (busy == 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Jobs were still due or running.");
    }

    public async Task<List<NotificationDelivery>> DeliveriesAsync(Guid tenantId) =>
        await App.InTenantAsync(tenantId, s => s.GetRequiredService<TenantraDbContext>().NotificationDeliveries.AsNoTracking().OrderBy(d => d.CreatedAt).ToListAsync());

    public async Task<List<NotificationAttempt>> AttemptsAsync(Guid tenantId) =>
        await App.InTenantAsync(tenantId, s => s.GetRequiredService<TenantraDbContext>().NotificationAttempts.AsNoTracking().OrderBy(a => a.StartedAt).ThenBy(a => a.Id).ToListAsync());

    public async Task SetTimeZoneAsync(Guid tenantId, string zone) =>
        await App.InTenantAsync(tenantId, async s =>
        {
            var db = s.GetRequiredService<TenantraDbContext>();
            return await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(u => u.SetProperty(t => t.TimeZone, zone));
        });

    /// <summary>PUTs preferences (tenant defaults with <c>me: false</c>) and checks the answer.</summary>
    public static async Task<JsonElement> PutPreferencesAsync(
        HttpClient client, Guid tenantId, bool me, object[] rules, string digest = "immediate", string? quietStart = null, string? quietEnd = null,
        int throttleMinutes = 0, bool criticalBypasses = true) =>
        await client.PutAsJsonAsync($"/api/v1/tenants/{tenantId}/notifications/preferences/{(me ? "me" : "tenant")}", new
        {
            rules,
            digest,
            quietHoursStart = quietStart,
            quietHoursEnd = quietEnd,
            criticalBypassesQuietHours = criticalBypasses,
            throttleMinutes,
        }).ReadAsync(HttpStatusCode.OK);

    public static object Rule(string eventType, NotificationSeverity minSeverity, params string[] channels) =>
        new { eventType, channels, minSeverity = minSeverity.ToString().ToLowerInvariant() };

    public async Task<(Guid Tenant, TestUser Admin, HttpClient AdminClient)> TenantAsync(string name)
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer, name: name);
        var admin = await Data.UserAsync(tenant, Role.Admin);
        return (tenant, admin, await App.SignInAsync(admin.Email));
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
