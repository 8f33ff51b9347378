using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Jobs;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Data.Jobs;
using Tenantra.Server.Platform.Metrics;
using Tenantra.Server.Platform.Workers;

namespace Tenantra.Server.Platform.Jobs;

/// <summary>
/// Runs queued jobs on this node: claims up to <c>Tenantra:Jobs:Concurrency</c> due jobs at a time
/// (<see cref="JobClaims"/>), runs each in its tenant's scope with its registered handler, renews
/// the lease while it runs, and records the outcome — success, a retry after backoff
/// (<see cref="JobRetry"/>, first delay <c>Tenantra:Jobs:RetryFirstDelaySeconds</c>), or a dead letter after the last attempt. Every write about a job is
/// guarded by this worker's lease, so a worker that lost its lease (it stalled, another took the
/// job over) changes nothing. A worker killed mid-job loses nothing: its lease expires and the job
/// is claimed again.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes, ITenantScopeFactory tenantScopes, WorkerRegistry registry, TenantraMetrics metrics, TimeProvider clock,
    ILogger<JobWorker> logger, IConfiguration configuration)
    : TenantraWorker(scopes, registry, metrics, clock, logger)
{
    /// <summary>This worker's lease name: the node and a per-process instance.</summary>
    private readonly string _owner = $"{registry.NodeId[..Math.Min(registry.NodeId.Length, 60)]}/{Guid.NewGuid():N}";
    private readonly int _concurrency = Math.Max(1, configuration.GetValue("Tenantra:Jobs:Concurrency", 4));
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Tenantra:Jobs:LeaseSeconds", 60.0)));
    private readonly TimeSpan _firstRetryDelay = TimeSpan.FromSeconds(Math.Max(0.01, configuration.GetValue("Tenantra:Jobs:RetryFirstDelaySeconds", JobRetry.FirstDelay.TotalSeconds)));
    private static readonly TimeSpan s_roundBudget = TimeSpan.FromSeconds(10);

    public override string Name => "jobs";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Max(10, configuration.GetValue("Tenantra:Jobs:PollMilliseconds", 1000)));

    protected override async Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TenantraDbContext>();
        var round = Stopwatch.StartNew();
        List<Job> claimed;
        do
        {
            claimed = await JobClaims.ClaimAsync(db, _owner, _concurrency, _lease, Clock.GetUtcNow(), cancellationToken);
            await Task.WhenAll(claimed.Select(job => RunAsync(job, cancellationToken)));
        }
        while (claimed.Count == _concurrency && round.Elapsed < s_roundBudget);
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        if (job.Attempts > job.MaxAttempts)
        {
            const string reason = "The worker running its last attempt stopped before it finished (its lease expired).";
            await using (var scope = job.TenantId is { } id ? tenantScopes.Enter(id) : Scopes.CreateAsyncScope())
            {
                if (scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Kind) is { } handler)
                {
                    await handler.DeadLetteredAsync(new JobRun(job, _owner, Scopes, Clock), reason, stoppingToken);
                }
            }

            await FinishAsync(job, JobStatus.Dead, result: null, error: reason, CancellationToken.None);
            return;
        }

        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewLeaseAsync(job, leaseLost);
        try
        {
            await using var scope = job.TenantId is { } tenantId ? tenantScopes.Enter(tenantId) : Scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Kind)
                ?? throw new PermanentJobFailureException($"No handler is registered for jobs of kind \"{job.Kind}\".");
            var result = await handler.RunAsync(new JobRun(job, _owner, Scopes, Clock), leaseLost.Token);
            await FinishAsync(job, JobStatus.Succeeded, result, error: null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            // Shutting down, or the lease went to another worker: the job runs again there or after its lease expires.
        }
        catch (Exception ex)
        {
            var permanent = ex is PermanentJobFailureException;
            if (ex is JobAttemptFailedException)
            {
                logger.LogInformation("Job {JobId} ({Kind}) failed attempt {Attempt} of {MaxAttempts}: {Reason}", job.Id, job.Kind, job.Attempts, job.MaxAttempts, ex.Message);
            }
            else
            {
                logger.LogWarning(ex, "Job {JobId} ({Kind}) failed attempt {Attempt} of {MaxAttempts}", job.Id, job.Kind, job.Attempts, job.MaxAttempts);
            }
            if (permanent || job.Attempts >= job.MaxAttempts)
            {
                await FinishAsync(job, JobStatus.Dead, result: null, ex.Message, CancellationToken.None);
            }
            else
            {
                await RetryLaterAsync(job, ex.Message);
            }
        }
        finally
        {
            await leaseLost.CancelAsync();
            await renewing;
        }
    }

    /// <summary>Extends the lease every third of its length until the run ends; cancels the run when the lease is gone.</summary>
    private async Task RenewLeaseAsync(Job job, CancellationTokenSource run)
    {
        using var timer = new PeriodicTimer(_lease / 3, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                var now = Clock.GetUtcNow();
                var renewed = await WithJobsAsync(jobs => OwnedRunning(jobs, job)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, now + _lease).SetProperty(j => j.UpdatedAt, now), run.Token));
                if (renewed == 0)
                {
                    logger.LogWarning("Job {JobId} lost its lease; stopping this run", job.Id);
                    await run.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task<int> FinishAsync(Job job, JobStatus status, string? result, string? error, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        return WithJobsAsync(jobs => OwnedRunning(jobs, job).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Status, status)
                .SetProperty(j => j.Result, result)
                .SetProperty(j => j.LastError, Truncate(error))
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.UpdatedAt, now),
            cancellationToken));
    }

    private Task<int> RetryLaterAsync(Job job, string error)
    {
        var now = Clock.GetUtcNow();
        var runAfter = now + JobRetry.DelayAfter(job.Attempts, Random.Shared, _firstRetryDelay);
        return WithJobsAsync(jobs => OwnedRunning(jobs, job).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Status, JobStatus.Pending)
                .SetProperty(j => j.RunAfter, runAfter)
                .SetProperty(j => j.LastError, Truncate(error))
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.UpdatedAt, now),
            CancellationToken.None));
    }

    private IQueryable<Job> OwnedRunning(DbSet<Job> jobs, Job job) =>
        jobs.Where(j => j.Id == job.Id && j.LeaseOwner == _owner && j.Status == JobStatus.Running);

    /// <summary>Each write about a job on its own short-lived context: runs proceed in parallel.</summary>
    private async Task<int> WithJobsAsync(Func<DbSet<Job>, Task<int>> write)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await write(scope.ServiceProvider.GetRequiredService<TenantraDbContext>().Jobs);
    }

    private static string? Truncate(string? text) => text is null ? null : text[..Math.Min(text.Length, 2000)];
}
