using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>
/// Streams one tenant's chain — archive segments, then live records — through the verifier with its
/// signed anchors (used by the API, exports and <c>audit verify</c>). An archive segment as signed
/// stands for its records; one that is not is read record by record, so the report names the first
/// record that no longer verifies.
/// </summary>
public sealed class AuditVerification(TenantraDbContext db, AuditArchive archive, AuditSigningKeys keys)
{
    public async Task<AuditChainVerification> VerifyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.TenantId == tenantId, cancellationToken);
        var anchors = await AnchorsAsync(tenantId, cancellationToken);
        var verifiers = await keys.VerifiersAsync(cancellationToken);
        AuditArchiveSegment? unsealed = null;
        AuditChainVerification result;
        try
        {
            result = await AuditChainVerifier.VerifyAsync(
                archive.ChainAsync(tenantId, verifiers, segment => unsealed ??= segment, cancellationToken), head, anchors, verifiers, cancellationToken: cancellationToken);
        }
        catch (AuditArchiveUnreadableException ex)
        {
            return AuditChainVerification.Invalid(ex.FirstSequence - 1, ex.FirstSequence, $"record {ex.FirstSequence}: {ex.Message}");
        }

        // A segment whose records still verify but whose signature or content hash does not was altered as a row.
        return result.IsValid && unsealed is { } altered
            ? AuditChainVerification.Invalid(altered.FirstSequence - 1, altered.FirstSequence,
                $"record {altered.FirstSequence}: the archive segment of records {altered.FirstSequence}–{altered.LastSequence} is not as signed (its signature, content hash or range was altered)") with
            { AnchorsChecked = result.AnchorsChecked, AnchoredThrough = result.AnchoredThrough, LastAnchoredAt = result.LastAnchoredAt }
            : result;
    }

    /// <summary>The tenant's signed anchors, oldest first.</summary>
    public Task<List<AuditAnchor>> AnchorsAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        db.AuditAnchors.AsNoTracking().Where(a => a.TenantId == tenantId).OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
}
