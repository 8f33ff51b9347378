using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>In-process workers for real: they beat, readiness and status see them, and the purge worker purges.</summary>
public sealed class WorkerTests
{
    [Fact]
    public async Task The_purge_worker_purges_a_tenant_past_its_grace_period_and_reports_its_heartbeat()
    {
        await using var first = await TenantraTestApp.StartAsync();
        var data = new TestData(first);
        var due = await data.TenantAsync(TenantKind.Msp, name: "Due for purge");
        var graced = await data.TenantAsync(TenantKind.Msp, name: "Still in grace");
        await first.InPlatformAsync(async db =>
        {
            foreach (var (id, purgeAfter) in new[] { (due, DateTimeOffset.UtcNow.AddMinutes(-1)), (graced, DateTimeOffset.UtcNow.AddDays(29)) })
            {
                var tenant = await db.Tenants.AsTracking().SingleAsync(t => t.Id == id);
                tenant.Status = TenantStatus.Deleted;
                tenant.DeletedAt = DateTimeOffset.UtcNow.AddDays(-31);
                tenant.PurgeAfter = purgeAfter;
            }

            return await db.SaveChangesAsync();
        });
        var admin = await data.UserAsync(first.PlatformTenantId, Role.Admin);
        var withWorkers = first.Database.Settings();
        withWorkers["Tenantra:Workers:Enabled"] = "true";

        await using var second = await TenantraTestApp.StartAsync(withWorkers);
        var status = await WaitForAsync(async () =>
        {
            var purged = await second.InPlatformAsync(db => db.Tenants.Where(t => t.Id == due).Select(t => t.Status).SingleAsync());
            var response = await (await second.SignInAsync(admin.Email)).GetAsync("/api/v1/system/status");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var beating = body.GetProperty("workers").EnumerateArray().Any(w => w.GetProperty("worker").GetString() == "tenant-purge" && w.GetProperty("alive").GetBoolean());
            return purged == TenantStatus.Purged && beating ? body : (JsonElement?)null;
        });

        Assert.NotNull(status);
        Assert.Equal(TenantStatus.Deleted, await second.InPlatformAsync(db => db.Tenants.Where(t => t.Id == graced).Select(t => t.Status).SingleAsync()));
        var ready = await second.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : struct
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
