using System.IO.Compression;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>A segment whose content does not read back (its bytes were altered): verification reports it as a break.</summary>
public sealed class AuditArchiveUnreadableException(AuditArchiveSegment segment, Exception inner)
    : Exception($"the archive segment of records {segment.FirstSequence}–{segment.LastSequence} is unreadable: {inner.Message}", inner)
{
    public long FirstSequence { get; } = segment.FirstSequence;
}

/// <summary>
/// Reads a tenant's archive segments (<see cref="AuditArchiver"/> writes them): which there are, one
/// segment's records, and the whole chain — each segment's records, then the live ones — for the verifier.
/// </summary>
public sealed class AuditArchive(TenantraDbContext db)
{
    public IQueryable<AuditArchiveSegment> Segments(Guid tenantId) => db.AuditArchiveSegments.Where(s => s.TenantId == tenantId);

    /// <summary>The last record the tenant's segments hold (0 when none): the live records start after it.</summary>
    public async Task<long> ArchivedThroughAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        await Segments(tenantId).MaxAsync(s => (long?)s.LastSequence, cancellationToken) ?? 0;

    /// <summary>The segment that holds record <paramref name="sequence"/>, if one does.</summary>
    public Task<AuditArchiveSegment?> HoldingAsync(Guid tenantId, long sequence, CancellationToken cancellationToken = default) =>
        Segments(tenantId).AsNoTracking().SingleOrDefaultAsync(s => s.FirstSequence <= sequence && s.LastSequence >= sequence, cancellationToken);

    /// <summary>A segment's records, oldest first; <see cref="InvalidDataException"/> when its content does not read.</summary>
    public static List<AuditRecord> Read(AuditArchiveSegment segment)
    {
        using var gzip = new GZipStream(new MemoryStream(segment.Content, writable: false), CompressionMode.Decompress);
        return AuditEvidenceFile.ReadRecords(gzip, segment.TenantId);
    }

    /// <summary>
    /// The tenant's whole chain, oldest first: each segment's records (one segment in memory at a time),
    /// then the live records. Throws <see cref="AuditArchiveUnreadableException"/> at a segment that does not read.
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> ChainAsync(Guid tenantId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var firsts = await Segments(tenantId).OrderBy(s => s.FirstSequence).Select(s => s.FirstSequence).ToListAsync(cancellationToken);
        foreach (var first in firsts)
        {
            var segment = await Segments(tenantId).AsNoTracking().SingleAsync(s => s.FirstSequence == first, cancellationToken);
            foreach (var record in ReadOrThrow(segment))
            {
                yield return record;
            }
        }

        await foreach (var record in db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId).OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return record;
        }
    }

    private static List<AuditRecord> ReadOrThrow(AuditArchiveSegment segment)
    {
        try
        {
            return Read(segment);
        }
        catch (InvalidDataException ex)
        {
            throw new AuditArchiveUnreadableException(segment, ex);
        }
    }
}
