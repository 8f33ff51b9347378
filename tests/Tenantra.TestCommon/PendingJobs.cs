using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Jobs;
using Tenantra.Server.Integrity;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.TestCommon;

/// <summary>Runs queued jobs now with their real handlers, for test apps that run no workers.</summary>
public static class PendingJobs
{
    /// <summary>Runs the tenant's pending jobs of <paramref name="kind"/> once each (they stay queued; running them again later changes nothing).</summary>
    public static async Task RunPendingJobsAsync(this TenantraTestApp app, Guid tenantId, string kind)
    {
        var jobs = await app.InPlatformAsync(db => db.Jobs.AsNoTracking()
            .Where(j => j.TenantId == tenantId && j.Kind == kind && j.Status == JobStatus.Pending).OrderBy(j => j.CreatedAt).ToListAsync());
        foreach (var job in jobs)
        {
            await app.InTenantAsync(tenantId, async services =>
            {
                var run = new JobRun(job, "test-jobs", services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
                return await services.GetRequiredKeyedService<IJobHandler>(kind).RunAsync(run, CancellationToken.None);
            });
        }
    }

    /// <summary>Routes the tenant's published notification events now with the real router.</summary>
    public static Task RouteNotificationsAsync(this TenantraTestApp app, Guid tenantId) => app.RunPendingJobsAsync(tenantId, NotificationRouter.Kind);

    /// <summary>Evaluates drift for the tenant's queued evaluations now with the real evaluator.</summary>
    public static Task EvaluateDriftAsync(this TenantraTestApp app, Guid tenantId) => app.RunPendingJobsAsync(tenantId, DriftEvaluator.Kind);
}
