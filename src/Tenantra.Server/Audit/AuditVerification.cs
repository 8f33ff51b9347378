using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>Streams one tenant's chain through the verifier with its signed anchors (used by the API, exports and <c>audit verify</c>).</summary>
public sealed class AuditVerification(TenantraDbContext db, AuditSigningKeys keys)
{
    public async Task<AuditChainVerification> VerifyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.TenantId == tenantId, cancellationToken);
        var anchors = await AnchorsAsync(tenantId, cancellationToken);
        var records = db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId).OrderBy(r => r.Sequence).AsAsyncEnumerable();
        return await AuditChainVerifier.VerifyAsync(records, head, anchors, await keys.VerifiersAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    /// <summary>The tenant's signed anchors, oldest first.</summary>
    public Task<List<AuditAnchor>> AnchorsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        db.AuditAnchors.AsNoTracking().Where(a => a.TenantId == tenantId).OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
}
