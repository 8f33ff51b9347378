using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Jobs;

namespace Tenantra.Data.Jobs;

/// <summary>
/// Takes due jobs off the queue for one worker in one statement: pending jobs whose time has come
/// and running jobs whose lease expired (their worker died), highest priority first. On PostgreSQL
/// the rows are locked with <c>FOR UPDATE SKIP LOCKED</c>, so workers on any number of nodes never
/// take the same job; SQLite runs one write statement at a time, which gives the same guarantee.
/// </summary>
public static class JobClaims
{
    // {0} running, {1} owner, {2} lease end, {3} now, {4} pending, {5} how many: all parameters.
    private const string ClaimSql = """
        UPDATE jobs SET status = {0}, lease_owner = {1}, lease_expires_at = {2}, attempts = attempts + 1, updated_at = {3}
        WHERE id IN (SELECT id FROM jobs
                     WHERE (status = {4} AND run_after <= {3}) OR (status = {0} AND lease_expires_at < {3})
                     ORDER BY priority DESC, run_after LIMIT {5})
        RETURNING *
        """;

    public static async Task<List<Job>> ClaimAsync(TenantraDbContext db, string owner, int count, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Raw parameters bypass the model's converters: SQLite stores timestamps as UTC ticks.
        var sqlite = db.Database.IsSqlite();
        object at = sqlite ? now.UtcTicks : now, until = sqlite ? (now + lease).UtcTicks : now + lease;
        string pending = nameof(JobStatus.Pending), running = nameof(JobStatus.Running);
        var claimed = db.Jobs.FromSqlRaw(sqlite ? ClaimSql : ClaimSql.Replace("LIMIT {5}", "LIMIT {5} FOR UPDATE SKIP LOCKED", StringComparison.Ordinal),
            running, owner, until, at, pending, count);
        return await claimed.AsNoTracking().ToListAsync(cancellationToken);
    }
}
