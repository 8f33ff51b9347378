using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
/// segment's records, and the whole chain — each segment, then the live records — for the verifier.
/// </summary>
public sealed class AuditArchive(TenantraDbContext db)
{
    /// <summary>Segments decompressed ahead of the one being read.</summary>
    private const int ReadAhead = 2;

    public IQueryable<AuditArchiveSegment> Segments(Guid tenantId) => db.AuditArchiveSegments.Where(s => s.TenantId == tenantId);

    /// <summary>The last record the tenant's segments hold (0 when none): the live records start after it.</summary>
    public async Task<long> ArchivedThroughAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        await Segments(tenantId).MaxAsync(s => (long?)s.LastSequence, cancellationToken) ?? 0;

    /// <summary>The segment that starts at record <paramref name="firstSequence"/>, if there is one.</summary>
    public Task<AuditArchiveSegment?> SegmentAsync(Guid tenantId, long firstSequence, CancellationToken cancellationToken = default) =>
        Segments(tenantId).AsNoTracking().SingleOrDefaultAsync(s => s.FirstSequence == firstSequence, cancellationToken);

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
    /// The tenant's whole chain, oldest first: each archive segment — sealed, when its signature and
    /// content check out with <paramref name="keys"/>; else as its records, and reported through
    /// <paramref name="brokenSeal"/> — then the live records. Segments are fetched one at a time and
    /// checked (or decompressed) on other threads while the caller goes through earlier ones. Throws
    /// <see cref="AuditArchiveUnreadableException"/> at a segment whose records do not read.
    /// </summary>
    public async IAsyncEnumerable<AuditChainPiece> ChainAsync(
        Guid tenantId, IReadOnlyDictionary<string, ECDsa> keys, Action<AuditArchiveSegment> brokenSeal, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var firsts = await Segments(tenantId).OrderBy(s => s.FirstSequence).Select(s => s.FirstSequence).ToListAsync(cancellationToken);
        var reading = new Queue<Task<(AuditArchiveSegment Segment, List<AuditRecord>? Records)>>();
        var requested = 0;
        while (requested < firsts.Count || reading.Count > 0)
        {
            // One query at a time on the context; checking and decompressing run beside the caller.
            while (reading.Count < ReadAhead && requested < firsts.Count)
            {
                var segment = await SegmentAsync(tenantId, firsts[requested++], cancellationToken) ?? throw new InvalidOperationException("An archive segment was removed while it was read.");
                reading.Enqueue(Task.Run(() => AuditSignature.IsAuthentic(segment, keys) ? (segment, null) : (segment, ReadOrThrow(segment)), cancellationToken));
            }

            var (read, records) = await reading.Dequeue();
            if (records is null)
            {
                yield return new AuditChainPiece(null, read);
                continue;
            }

            brokenSeal(read);
            foreach (var record in records)
            {
                yield return new AuditChainPiece(record, null);
            }
        }

        await foreach (var record in db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId).OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return new AuditChainPiece(record, null);
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
