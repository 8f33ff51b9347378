using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Jobs;
using Tenantra.Data;

namespace Tenantra.Server.Platform.Jobs;

/// <summary>
/// Runs the jobs of one kind (registered with <see cref="JobServiceCollectionExtensions.AddJobHandler{THandler}"/>).
/// Resolved per job from a scope that has entered the job's tenant, so its database context sees
/// that tenant only. Handlers must be safe to run again: a job whose worker died mid-way is run
/// again from the start (at least once). Returns the result JSON for the job, or null.
/// </summary>
public interface IJobHandler
{
    Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken);

    /// <summary>
    /// The job became a dead letter without the handler failing it: the worker running its last
    /// attempt died. Handlers that keep a status of their own record the end here.
    /// </summary>
    Task DeadLetteredAsync(JobRun run, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Thrown by a handler for a job that can never succeed: it goes to the dead letters without more attempts.</summary>
public sealed class PermanentJobFailureException(string message) : Exception(message);

/// <summary>
/// Thrown by a handler whose attempt failed in an expected way it has already recorded (a receiver
/// said no): retried with backoff like any failure, logged without a stack trace.
/// </summary>
public class JobAttemptFailedException(string message) : Exception(message);

/// <summary>One run of one job, as its handler sees it.</summary>
public sealed class JobRun(Job job, string owner, IServiceScopeFactory scopes, TimeProvider clock)
{
    public Job Job => job;

    public T Payload<T>() => JsonSerializer.Deserialize<T>(job.Payload, JobQueue.PayloadJson)
        ?? throw new PermanentJobFailureException($"The payload of job {job.Id} is empty.");

    /// <summary>
    /// Records progress for progress bars, on its own connection (the handler's context may be busy
    /// streaming). It renews nothing: the worker renews the lease.
    /// </summary>
    public async Task ReportProgressAsync(long done, long total, CancellationToken cancellationToken)
    {
        job.ProgressDone = done;
        job.ProgressTotal = total;
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().Jobs
            .Where(j => j.Id == job.Id && j.LeaseOwner == owner && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.ProgressDone, done).SetProperty(j => j.ProgressTotal, total).SetProperty(j => j.UpdatedAt, now), cancellationToken);
    }
}

public static class JobServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="THandler"/> for jobs of <paramref name="kind"/>.</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string kind)
        where THandler : class, IJobHandler
    {
        services.AddKeyedScoped<IJobHandler, THandler>(kind);
        return services;
    }
}
