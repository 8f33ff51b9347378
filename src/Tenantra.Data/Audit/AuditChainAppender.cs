using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;

namespace Tenantra.Data.Audit;

/// <summary>
/// Links staged audit records onto their tenants' chains inside the saving transaction. The head
/// row is created if missing and then locked (FOR UPDATE on PostgreSQL; SQLite's write
/// transaction is already exclusive), so concurrent writers of one chain take turns and every
/// record gets the next sequence number and the previous record's hash.
/// </summary>
internal static class AuditChainAppender
{
    public static async Task LinkAsync(TenantraDbContext context, IReadOnlyList<AuditRecord> staged, CancellationToken cancellationToken)
    {
        foreach (var chain in staged.GroupBy(r => r.TenantId).OrderBy(g => g.Key))
        {
            if (!context.Scope.TenantIds.Contains(chain.Key))
            {
                throw new InvalidOperationException($"Audit record for tenant {chain.Key} staged outside that tenant's scope.");
            }

            var head = await LockHeadAsync(context, chain.Key, cancellationToken);
            foreach (var record in chain)
            {
                AuditChain.Link(record, head.LastSequence, head.LastHash);
                head.LastSequence = record.Sequence;
                head.LastHash = record.Hash;
                context.AuditRecords.Add(record);
            }
        }
    }

    private static async Task<AuditChainHead> LockHeadAsync(TenantraDbContext context, Guid tenantId, CancellationToken cancellationToken)
    {
        await context.Database.ExecuteSqlAsync(
            $"INSERT INTO audit_chain_heads (tenant_id, last_sequence, last_hash) VALUES ({tenantId}, 0, {AuditChain.GenesisHash}) ON CONFLICT DO NOTHING",
            cancellationToken);
        var query = context.IsPostgres
            ? context.AuditChainHeads.FromSql($"SELECT * FROM audit_chain_heads WHERE tenant_id = {tenantId} FOR UPDATE")
            : context.AuditChainHeads.Where(h => h.TenantId == tenantId);
        return await query.AsTracking().SingleAsync(cancellationToken);
    }
}
