using Microsoft.EntityFrameworkCore;

namespace Tenantra.Data.Notifications;

/// <summary>
/// The oldest published events of a tenant that no routing has taken yet, for a router to take in
/// its open transaction. On PostgreSQL they are locked with <c>FOR UPDATE SKIP LOCKED</c>, so
/// routers on any number of nodes take disjoint batches; on SQLite writes are serialised, and a
/// second router taking the same event fails on the deliveries' unique keys and starts again.
/// </summary>
public static class UnroutedEvents
{
    // {0} tenant, {1} how many: parameters.
    private const string Sql = """
        SELECT id AS "Value" FROM notification_events
        WHERE tenant_id = {0} AND routed_at IS NULL
        ORDER BY occurred_at, id LIMIT {1}
        """;

    public static async Task<List<Guid>> TakeAsync(TenantraDbContext db, Guid tenantId, int count, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Take unrouted events inside the transaction that routes them.");
        }

        // Raw SQL is not filtered by the model: the tenant must be the scope's (row-level security still applies on PostgreSQL).
        if (!db.Scope.TenantIds.Contains(tenantId))
        {
            throw new InvalidOperationException($"Tenant {tenantId} is not in the current scope.");
        }

        // Raw parameters bypass the model's converters: SQLite keeps ids as upper-case text.
        return db.IsPostgres
            ? await db.Database.SqlQueryRaw<Guid>(Sql + " FOR UPDATE SKIP LOCKED", tenantId, count).ToListAsync(cancellationToken)
            : await db.Database.SqlQueryRaw<Guid>(Sql, tenantId.ToString().ToUpperInvariant(), count).ToListAsync(cancellationToken);
    }
}
