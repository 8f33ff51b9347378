using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Jobs;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.TestCommon;

public static class NotificationRouting
{
    /// <summary>
    /// Routes the tenant's published events now with the real router, for test apps that run no
    /// workers (the jobs stay queued; routing them again later changes nothing).
    /// </summary>
    public static async Task RouteNotificationsAsync(this TenantraTestApp app, Guid tenantId)
    {
        var jobs = await app.InPlatformAsync(db => db.Jobs.AsNoTracking()
            .Where(j => j.TenantId == tenantId && j.Kind == NotificationRouter.Kind && j.Status == JobStatus.Pending).ToListAsync());
        foreach (var job in jobs)
        {
            await app.InTenantAsync(tenantId, async services =>
            {
                var run = new JobRun(job, "test-routing", services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
                return await services.GetRequiredKeyedService<IJobHandler>(NotificationRouter.Kind).RunAsync(run, CancellationToken.None);
            });
        }
    }
}
