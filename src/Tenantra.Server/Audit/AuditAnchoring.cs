using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>The result of one anchoring round for a tenant: the new anchor, or why there is none.</summary>
public sealed record AnchorResult(AuditAnchor? Anchor, AuditChainVerification? Broken = null);

/// <summary>
/// Signs anchors over tenants' chain heads. Before signing, the records added since the last anchor
/// are checked to continue the anchored chain (a few hundred per hour, not the whole chain), so an
/// anchor never vouches for a chain that was already tampered with.
/// </summary>
public sealed class AuditAnchoring(AuditSigningKeys keys, TimeProvider clock)
{
    /// <summary>
    /// Anchors the tenant's head when it moved since the last anchor. Call it inside the tenant's
    /// scope. Another node anchoring the same head at the same moment is not an error.
    /// </summary>
    public async Task<AnchorResult> AnchorAsync(TenantraDbContext db, Guid tenantId, CancellationToken cancellationToken = default)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.TenantId == tenantId, cancellationToken);
        var last = await db.AuditAnchors.AsNoTracking().Where(a => a.TenantId == tenantId).OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (head is null || head.LastSequence <= (last?.Sequence ?? 0))
        {
            return new AnchorResult(null);
        }

        var verifiers = await keys.VerifiersAsync(cancellationToken);
        if (last is not null && !AuditSignature.IsAuthentic(last, verifiers))
        {
            return new AnchorResult(null, AuditChainVerification.Invalid(0, last.Sequence, $"anchor at record {last.Sequence}: its signature does not verify with key {last.KeyId}"));
        }

        // Up to the head as read: records added meanwhile wait for the next round.
        var since = last?.Sequence ?? 0;
        var records = db.AuditRecords.AsNoTracking()
            .Where(r => r.TenantId == tenantId && r.Sequence > since && r.Sequence <= head.LastSequence)
            .OrderBy(r => r.Sequence).AsAsyncEnumerable();
        var check = await AuditChainVerifier.VerifyAsync(records, head, [], verifiers, last, cancellationToken);
        if (!check.IsValid)
        {
            return new AnchorResult(null, check);
        }

        var anchor = AuditSignature.SignAnchor(await keys.SignerAsync(cancellationToken), tenantId, head.LastSequence, head.LastHash, clock.GetUtcNow());
        db.AuditAnchors.Add(anchor);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node signed this head at the same moment: theirs stands.
            db.ChangeTracker.Clear();
            if (await db.AuditAnchors.AsNoTracking().AnyAsync(a => a.TenantId == tenantId && a.Sequence == anchor.Sequence, cancellationToken))
            {
                return new AnchorResult(null);
            }

            throw;
        }

        return new AnchorResult(anchor);
    }
}
