using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Jobs;
using Tenantra.Data;

namespace Tenantra.Server.Platform.Jobs;

/// <summary>
/// Puts work on the durable queue. <see cref="Enqueue"/> only stages the job in the caller's
/// context: it is saved by the caller's <c>SaveChangesAsync</c>, in the same transaction as the
/// change that caused it (the outbox rule), so a rolled-back change leaves no job behind and a
/// committed one always has its job.
/// </summary>
public sealed class JobQueue(TenantraDbContext db, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public Job Enqueue(string kind, Guid? tenantId, object payload, DateTimeOffset? runAfter = null, int priority = 0, int maxAttempts = JobRetry.DefaultMaxAttempts)
    {
        var now = clock.GetUtcNow();
        var job = new Job
        {
            Kind = kind,
            TenantId = tenantId,
            Payload = JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson),
            Priority = priority,
            MaxAttempts = maxAttempts,
            Status = JobStatus.Pending,
            RunAfter = runAfter ?? now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Jobs.Add(job);
        return job;
    }

    /// <summary>
    /// Stages a job unless one of the same kind, tenant and payload is still waiting to start and not
    /// yet due (its run will see the newer state too): work that only needs doing once for a burst of
    /// changes. A job already due may be claimed before the caller commits and miss the caller's
    /// change, so it does not count; coalescing callers give their jobs a delay. Concurrent callers
    /// may both stage one; handlers are safe to run again.
    /// </summary>
    public async Task<bool> EnqueueUnlessWaitingAsync(string kind, Guid tenantId, object payload, DateTimeOffset runAfter, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson);
        var now = clock.GetUtcNow();
        if (await db.Jobs.AnyAsync(j => j.TenantId == tenantId && j.Kind == kind && j.Status == JobStatus.Pending && j.Payload == text && j.RunAfter > now, cancellationToken)
            || db.Jobs.Local.Any(j => j.TenantId == tenantId && j.Kind == kind && j.Status == JobStatus.Pending && j.Payload == text && j.RunAfter > now))
        {
            return false;
        }

        Enqueue(kind, tenantId, payload, runAfter);
        return true;
    }

    /// <summary>
    /// Marks jobs done whose work the caller has just done itself (a handler that handles a batch),
    /// in the caller's transaction. Only jobs still pending: one a worker is already running finishes
    /// there (handlers are safe to run again).
    /// </summary>
    public Task<int> DischargeAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Jobs.Where(j => jobIds.Contains(j.Id) && j.Status == JobStatus.Pending).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Status, JobStatus.Succeeded).SetProperty(j => j.Result, "{\"discharged\":true}")
                .SetProperty(j => j.CompletedAt, now).SetProperty(j => j.UpdatedAt, now),
            cancellationToken);
    }
}
