using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;

namespace Tenantra.Data.Audit;

/// <summary>
/// Links staged audit records onto their tenants' chains inside the saving transaction. The head
/// row is created if missing and locked (the upsert's row lock on PostgreSQL; SQLite's write
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

    /// <summary>
    /// One round trip: creates the head if missing, or takes the existing one's row lock (an upsert
    /// that changes nothing), and returns it tracked so the new last link is saved with the records.
    /// </summary>
    private static async Task<AuditChainHead> LockHeadAsync(TenantraDbContext context, Guid tenantId, CancellationToken cancellationToken)
    {
        var heads = await context.AuditChainHeads
            .FromSql($"""
                INSERT INTO audit_chain_heads (tenant_id, last_sequence, last_hash) VALUES ({tenantId}, 0, {AuditChain.GenesisHash})
                ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = audit_chain_heads.last_sequence
                RETURNING tenant_id, last_sequence, last_hash
                """)
            .IgnoreQueryFilters() // an upsert cannot be composed with the filter; the caller checked the scope, and RLS still applies
            .AsTracking()
            .ToListAsync(cancellationToken);
        return heads.Single();
    }
}
