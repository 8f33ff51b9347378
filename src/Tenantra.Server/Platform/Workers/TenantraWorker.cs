using Microsoft.EntityFrameworkCore;
using Tenantra.Data;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Platform.Workers;

/// <summary>
/// Base of in-process background workers: runs <see cref="RunOnceAsync"/> every
/// <see cref="Interval"/>, records a heartbeat row per node (shown on the status page, checked by
/// readiness), and keeps going after a failed round. Work on tenant data must enter a tenant
/// scope through <see cref="Tenantra.Core.Tenancy.ITenantScopeFactory"/>: the worker's own scope has none.
/// </summary>
public abstract class TenantraWorker(IServiceScopeFactory scopes, WorkerRegistry registry, TenantraMetrics metrics, TimeProvider clock, ILogger logger) : BackgroundService
{
    public abstract string Name { get; }

    protected TimeProvider Clock => clock;

    protected IServiceScopeFactory Scopes => scopes;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startedAt = clock.GetUtcNow();
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            string? error = null;
            await using (var scope = scopes.CreateAsyncScope())
            {
                try
                {
                    await RunOnceAsync(scope.ServiceProvider, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    error = ex.Message;
                    logger.LogError(ex, "Worker {Worker} failed a round", Name);
                }

                await BeatAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>(), startedAt, error, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task BeatAsync(TenantraDbContext db, DateTimeOffset startedAt, string? error, CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow();
            var row = await db.WorkerHeartbeats.AsTracking().SingleOrDefaultAsync(w => w.NodeId == registry.NodeId && w.Worker == Name, cancellationToken);
            if (row is null)
            {
                db.WorkerHeartbeats.Add(row = new Core.Platform.WorkerHeartbeat { NodeId = registry.NodeId, Worker = Name, StartedAt = startedAt });
            }

            row.LastBeatAt = now;
            row.LastError = error is null ? null : error[..Math.Min(error.Length, 2000)];
            await db.SaveChangesAsync(cancellationToken);
            registry.Beat(Name);
            metrics.WorkerHeartbeats.WithLabels(Name).Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Worker {Worker} could not record its heartbeat", Name);
        }
    }
}
