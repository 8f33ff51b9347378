using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Jobs;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Data.Jobs;
using Tenantra.Server.Platform.Jobs;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Jobs;

/// <summary>The durable job queue on the real engine, with the real in-process worker.</summary>
public sealed class JobQueueTests
{
    private const string Kind = "test.record";

    private sealed record RecordPayload(string Key, int FailTimes = 0, bool Permanent = false);

    /// <summary>What the test handler saw, per key: the tenant scope it ran in, once per run.</summary>
    private sealed class Runs
    {
        public ConcurrentDictionary<string, ConcurrentBag<Guid?>> ByKey { get; } = new();
    }

    private sealed class RecordingHandler(Runs runs, TenantScope scope) : IJobHandler
    {
        public Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
        {
            var payload = run.Payload<RecordPayload>();
            runs.ByKey.GetOrAdd(payload.Key, _ => []).Add(scope.TenantIds.Length == 1 ? scope.TenantIds.Single() : null);
            if (payload.Permanent)
            {
                throw new PermanentJobFailureException($"{payload.Key} can never work");
            }

            return run.Job.Attempts <= payload.FailTimes
                ? throw new InvalidOperationException($"{payload.Key} failed attempt {run.Job.Attempts}")
                : Task.FromResult<string?>($$"""{"key":"{{payload.Key}}"}""");
        }
    }

    private static async Task<(TenantraTestApp App, Runs Runs)> StartAsync(bool workers = true, TestDatabase? database = null)
    {
        var runs = new Runs();
        var app = await TenantraTestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Tenantra:Workers:Enabled"] = workers ? "true" : "false",
                ["Tenantra:Jobs:PollMilliseconds"] = "50",
                ["Tenantra:Jobs:LeaseSeconds"] = "2",
            },
            database: database,
            services: s => s.AddSingleton(runs).AddJobHandler<RecordingHandler>(Kind));
        return (app, runs);
    }

    private static Task<Job> JobAsync(TenantraTestApp app, Guid id) => app.InPlatformAsync(db => db.Jobs.SingleAsync(j => j.Id == id));

    private static async Task<Job> WaitForAsync(TenantraTestApp app, Guid id, Func<Job, bool> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            var job = await JobAsync(app, id);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(50);
        }

        return await JobAsync(app, id);
    }

    [Fact]
    public async Task A_job_staged_with_a_change_that_rolled_back_never_exists_and_a_saved_one_runs_once_in_its_tenant()
    {
        var (app, runs) = await StartAsync();
        await using var _ = app;
        var tenant = await new TestData(app).TenantAsync(TenantKind.Customer);

        var (kept, dropped) = await app.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var queue = services.GetRequiredService<JobQueue>();
            Job droppedJob;
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                droppedJob = queue.Enqueue(Kind, tenant, new RecordPayload("rolled-back"));
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }

            db.ChangeTracker.Clear();
            var keptJob = queue.Enqueue(Kind, tenant, new RecordPayload("saved"));
            await db.SaveChangesAsync();
            return (keptJob.Id, droppedJob.Id);
        });

        var done = await WaitForAsync(app, kept, j => j.Status == JobStatus.Succeeded);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal("""{"key":"saved"}""", done.Result);
        Assert.Equal(1, done.Attempts);
        Assert.Null(done.LeaseOwner);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal([tenant], runs.ByKey["saved"]);
        Assert.False(runs.ByKey.ContainsKey("rolled-back"));
        Assert.False(await app.InPlatformAsync(db => db.Jobs.AnyAsync(j => j.Id == dropped)));
    }

    /// <summary>
    /// A waiting job absorbs a new one only while it is not yet due: one already due may be claimed
    /// before the caller commits, and would miss the caller's change.
    /// </summary>
    [Fact]
    public async Task Enqueue_unless_waiting_coalesces_only_with_a_job_not_yet_due()
    {
        var app = await TenantraTestApp.StartAsync();
        await using var _ = app;
        var tenant = await new TestData(app).TenantAsync(TenantKind.Customer);
        var now = DateTimeOffset.UtcNow;

        var (later, laterAgain, due, dueAgain, other) = await app.InTenantAsync(tenant, async services =>
        {
            var queue = services.GetRequiredService<JobQueue>();
            var db = services.GetRequiredService<TenantraDbContext>();
            var first = await queue.EnqueueUnlessWaitingAsync(Kind, tenant, new RecordPayload("later"), now.AddMinutes(5), CancellationToken.None);
            await db.SaveChangesAsync();
            var second = await queue.EnqueueUnlessWaitingAsync(Kind, tenant, new RecordPayload("later"), now.AddMinutes(5), CancellationToken.None);
            var third = await queue.EnqueueUnlessWaitingAsync(Kind, tenant, new RecordPayload("due"), now.AddMinutes(-1), CancellationToken.None);
            await db.SaveChangesAsync();
            var fourth = await queue.EnqueueUnlessWaitingAsync(Kind, tenant, new RecordPayload("due"), now.AddMinutes(-1), CancellationToken.None);
            var fifth = await queue.EnqueueUnlessWaitingAsync(Kind, tenant, new RecordPayload("other"), now.AddMinutes(5), CancellationToken.None);
            await db.SaveChangesAsync();
            return (first, second, third, fourth, fifth);
        });

        Assert.Equal((true, false, true, true, true), (later, laterAgain, due, dueAgain, other));
        Assert.Equal(5 - 1, await app.InPlatformAsync(db => db.Jobs.CountAsync(j => j.TenantId == tenant && j.Kind == Kind)));
    }

    [Fact]
    public async Task A_failing_job_is_retried_after_a_backoff_and_dead_lettered_after_its_last_attempt()
    {
        var (app, runs) = await StartAsync();
        await using var _ = app;
        var id = await app.InPlatformAsync(async db =>
        {
            var job = new JobQueue(db, TimeProvider.System).Enqueue(Kind, null, new RecordPayload("flaky", FailTimes: 99), maxAttempts: 3);
            await db.SaveChangesAsync();
            return job.Id;
        });

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var failedAt = DateTimeOffset.UtcNow;
            var waiting = await WaitForAsync(app, id, j => j.Attempts == attempt && j.Status == JobStatus.Pending);
            Assert.Equal(JobStatus.Pending, waiting.Status);
            Assert.Equal($"flaky failed attempt {attempt}", waiting.LastError);
            Assert.Null(waiting.LeaseOwner);
            // Backoff: the attempt's ceiling is 5 s · 2^(attempt-1), jittered in its upper half.
            var ceiling = TimeSpan.FromSeconds(5 * Math.Pow(2, attempt - 1));
            Assert.InRange(waiting.RunAfter, failedAt + (ceiling / 2) - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + ceiling);
            await app.InPlatformAsync(db => db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.RunAfter, DateTimeOffset.UtcNow)));
        }

        var dead = await WaitForAsync(app, id, j => j.Status == JobStatus.Dead);
        Assert.Equal(JobStatus.Dead, dead.Status);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("flaky failed attempt 3", dead.LastError);
        Assert.Equal(3, runs.ByKey["flaky"].Count);
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_at_once_and_an_unknown_kind_too()
    {
        var (app, runs) = await StartAsync();
        await using var _ = app;
        var (permanent, unknown) = await app.InPlatformAsync(async db =>
        {
            var queue = new JobQueue(db, TimeProvider.System);
            var a = queue.Enqueue(Kind, null, new RecordPayload("hopeless", Permanent: true));
            var b = queue.Enqueue("test.nobody-handles-this", null, new RecordPayload("orphan"));
            await db.SaveChangesAsync();
            return (a.Id, b.Id);
        });

        var first = await WaitForAsync(app, permanent, j => j.Status == JobStatus.Dead);
        var second = await WaitForAsync(app, unknown, j => j.Status == JobStatus.Dead);
        Assert.Equal((JobStatus.Dead, 1, "hopeless can never work"), (first.Status, first.Attempts, first.LastError));
        Assert.Equal((JobStatus.Dead, 1), (second.Status, second.Attempts));
        Assert.Contains("test.nobody-handles-this", second.LastError, StringComparison.Ordinal);
        Assert.Single(runs.ByKey["hopeless"]);
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_claimed_again_when_its_lease_expires_and_runs_to_completion()
    {
        var (app, runs) = await StartAsync(workers: false);
        await using (app)
        {
            var id = await app.InPlatformAsync(async db =>
            {
                var job = new JobQueue(db, TimeProvider.System).Enqueue(Kind, null, new RecordPayload("orphaned"));
                await db.SaveChangesAsync();
                return job.Id;
            });
            // A worker on another node claims it and dies: nothing completes it.
            var claimed = await app.InPlatformAsync(db => JobClaims.ClaimAsync(db, "dead-node/1", 10, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.Equal([id], claimed.Select(j => j.Id));
            Assert.Empty(await app.InPlatformAsync(db => JobClaims.ClaimAsync(db, "other-node/1", 10, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow, CancellationToken.None)));

            var (restarted, _) = await StartAsync(database: app.Database);
            await using (restarted)
            {
                var done = await WaitForAsync(restarted, id, j => j.Status == JobStatus.Succeeded);
                Assert.Equal((JobStatus.Succeeded, 2), (done.Status, done.Attempts));
            }
        }

        Assert.Empty(runs.ByKey);
    }

    [Fact]
    public async Task Concurrent_claimers_take_every_due_job_exactly_once()
    {
        var (app, _) = await StartAsync(workers: false);
        await using var _ = app;
        const int count = 400;
        await app.InPlatformAsync(async db =>
        {
            var queue = new JobQueue(db, TimeProvider.System);
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(Kind, null, new RecordPayload($"job-{i}"), priority: i % 3);
            }

            return await db.SaveChangesAsync();
        });

        var taken = new ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                var batch = await app.InPlatformAsync(db => JobClaims.ClaimAsync(db, $"node-{worker}/x", 7, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow, CancellationToken.None));
                if (batch.Count == 0)
                {
                    return;
                }

                Assert.All(batch, j => Assert.Equal((JobStatus.Running, 1, $"node-{worker}/x"), (j.Status, j.Attempts, j.LeaseOwner)));
                foreach (var job in batch)
                {
                    taken.Add(job.Id);
                }
            }
        })));

        Assert.Equal(count, taken.Count);
        Assert.Equal(count, taken.Distinct().Count());
        Assert.Equal(count, await app.InPlatformAsync(db => db.Jobs.CountAsync(j => j.Status == JobStatus.Running)));
    }
}
