using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tenantra.Data;
using Tenantra.Server.Platform.Workers;

namespace Tenantra.Server.Platform;

/// <summary>
/// Ready when the database answers (as the application role, like every request), no migration is
/// pending and this node's workers beat.
/// </summary>
internal sealed class ReadinessCheck(TenantraDbContext db, WorkerRegistry registry, IEnumerable<IHostedService> hosted) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            if (pending > 0)
            {
                return HealthCheckResult.Unhealthy($"{pending} migrations pending: run `tenantra migrate`.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database is not reachable.");
        }

        var dead = registry.DeadWorkers(hosted.OfType<TenantraWorker>().Select(w => w.Name));
        return dead.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"Workers not beating: {string.Join(", ", dead)}.");
    }
}
