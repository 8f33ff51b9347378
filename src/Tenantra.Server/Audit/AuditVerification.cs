using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>
/// Streams one tenant's chain — archive segments, then live records — through the verifier with its
/// signed anchors (used by the API, exports and <c>audit verify</c>).
/// </summary>
public sealed class AuditVerification(TenantraDbContext db, AuditArchive archive, AuditSigningKeys keys)
{
    public async Task<AuditChainVerification> VerifyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.TenantId == tenantId, cancellationToken);
        var anchors = await AnchorsAsync(tenantId, cancellationToken);
        var verifiers = await keys.VerifiersAsync(cancellationToken);
        try
        {
            return await AuditChainVerifier.VerifyAsync(archive.ChainAsync(tenantId, cancellationToken), head, anchors, verifiers, cancellationToken: cancellationToken);
        }
        catch (AuditArchiveUnreadableException ex)
        {
            return AuditChainVerification.Invalid(ex.FirstSequence - 1, ex.FirstSequence, $"record {ex.FirstSequence}: {ex.Message}");
        }
    }

    /// <summary>The tenant's signed anchors, oldest first.</summary>
    public Task<List<AuditAnchor>> AnchorsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        db.AuditAnchors.AsNoTracking().Where(a => a.TenantId == tenantId).OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
}
