using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;
using Tenantra.Server.Exports;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Audit;

/// <summary>The result of one archiving step for a tenant: the segment written, or why there is none.</summary>
public sealed record ArchiveResult(AuditArchiveSegment? Segment, AuditChainVerification? Broken = null);

/// <summary>
/// The <c>audit.archive</c> job: moves a tenant's records older than
/// <see cref="AuditOptions.ArchiveAfterDays"/> out of the live table into archive segments of at most
/// <see cref="AuditOptions.ArchiveSegmentRecords"/>, one segment per step, and queues itself again
/// while more are due. Only records a signed anchor already vouches for move, and only after the
/// records from the previous segment's end through that anchor verify; a segment that does not end at
/// an anchor gets one signed at its last record, so each segment is checkable on its own. The segment
/// (an <c>audit-evidence</c> file, gzip-compressed) and the release of its live records commit together.
/// </summary>
public sealed class AuditArchiver(TenantraDbContext db, AuditSigningKeys keys, AuditOptions options, JobQueue jobs, TimeProvider clock, ILogger<AuditArchiver> logger) : IJobHandler
{
    public const string Kind = "audit.archive";

    public sealed record Payload;

    /// <summary>Stages an archiving run for the tenant in the caller's transaction, unless one is already waiting.</summary>
    public static Task<bool> EnqueueAsync(JobQueue jobs, Guid tenantId, DateTimeOffset now, CancellationToken cancellationToken) =>
        jobs.EnqueueUnlessWaitingAsync(Kind, tenantId, new Payload(), now, cancellationToken);

    /// <summary>Whether the tenant has live records old enough to archive that an anchor vouches for (one indexed look).</summary>
    public async Task<bool> HasDueRecordsAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        if (options.ArchiveAfterDays <= 0)
        {
            return false;
        }

        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(options.ArchiveAfterDays);
        var anchored = await db.AuditAnchors.Where(a => a.TenantId == tenantId).MaxAsync(a => (long?)a.Sequence, cancellationToken) ?? 0;
        return await db.AuditRecords.AnyAsync(r => r.TenantId == tenantId && r.OccurredAt < cutoff && r.Sequence <= anchored, cancellationToken);
    }

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var tenantId = run.Job.TenantId!.Value;
        var result = await ArchiveNextAsync(tenantId, cancellationToken);
        if (result.Broken is { } broken)
        {
            logger.LogError("The audit chain of tenant {TenantId} was not archived: {Problem}", tenantId, broken.Problem);
            throw new PermanentJobFailureException($"Not archived: the chain does not verify: {broken.Problem}");
        }

        if (result.Segment is not null && await HasDueRecordsAsync(tenantId, cancellationToken) && await EnqueueAsync(jobs, tenantId, clock.GetUtcNow(), cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return JsonSerializer.Serialize(new { archived = result.Segment?.Records ?? 0, first = result.Segment?.FirstSequence, last = result.Segment?.LastSequence });
    }

    /// <summary>Archives the tenant's next segment, when records are due. Call it inside the tenant's scope.</summary>
    public async Task<ArchiveResult> ArchiveNextAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        if (options.ArchiveAfterDays <= 0)
        {
            return new ArchiveResult(null);
        }

        var now = clock.GetUtcNow();
        var cutoff = now - TimeSpan.FromDays(options.ArchiveAfterDays);
        var archivedThrough = await db.AuditArchiveSegments.Where(s => s.TenantId == tenantId).MaxAsync(s => (long?)s.LastSequence, cancellationToken) ?? 0;
        var anchors = await db.AuditAnchors.AsNoTracking().Where(a => a.TenantId == tenantId && a.Sequence >= archivedThrough).OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
        var anchoredThrough = anchors.LastOrDefault()?.Sequence ?? 0;
        var due = await db.AuditRecords.Where(r => r.TenantId == tenantId && r.Sequence > archivedThrough && r.Sequence <= anchoredThrough && r.OccurredAt < cutoff)
            .MaxAsync(r => (long?)r.Sequence, cancellationToken);
        if (due is not { } dueThrough)
        {
            return new ArchiveResult(null);
        }

        var verifiers = await keys.VerifiersAsync(cancellationToken);
        var previous = anchors.FirstOrDefault(a => a.Sequence == archivedThrough);
        if (archivedThrough > 0 && (previous is null || !AuditSignature.IsAuthentic(previous, verifiers)))
        {
            return new ArchiveResult(null, AuditChainVerification.Invalid(0, archivedThrough, $"record {archivedThrough}: the signed anchor that ends the last archive segment is missing or altered"));
        }

        // The records from the last segment's end through the first anchor at or after this segment's end must continue
        // the chain; read once, streamed. The ends of the segments still due within them get anchors now, so the next
        // steps verify one segment each.
        var last = Math.Min(dueThrough, archivedThrough + options.ArchiveSegmentRecords);
        var closing = anchors.First(a => a.Sequence >= last);
        var covered = anchors.Where(a => a.Sequence > archivedThrough && a.Sequence <= closing.Sequence).ToList();
        var ends = SegmentEnds(archivedThrough, dueThrough, options.ArchiveSegmentRecords).TakeWhile(e => e <= closing.Sequence).Except(covered.Select(a => a.Sequence)).ToHashSet();
        var archived = new List<AuditRecord>();
        var endHashes = new Dictionary<long, string>();
        async IAsyncEnumerable<AuditRecord> ReadThroughClosing()
        {
            var stream = db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId && r.Sequence > archivedThrough && r.Sequence <= closing.Sequence)
                .OrderBy(r => r.Sequence).AsAsyncEnumerable();
            await foreach (var record in stream.WithCancellation(cancellationToken))
            {
                if (record.Sequence <= last)
                {
                    archived.Add(record);
                }

                if (ends.Contains(record.Sequence))
                {
                    endHashes[record.Sequence] = record.Hash;
                }

                yield return record;
            }
        }

        var closingHead = new AuditChainHead { TenantId = tenantId, LastSequence = closing.Sequence, LastHash = closing.Hash };
        var check = await AuditChainVerifier.VerifyAsync(ReadThroughClosing(), closingHead, covered, verifiers, previous, cancellationToken);
        if (!check.IsValid)
        {
            return new ArchiveResult(null, check);
        }

        var signer = await keys.SignerAsync(cancellationToken);
        var signed = endHashes.Select(e => AuditSignature.SignAnchor(signer, tenantId, e.Key, e.Value, now)).ToList();
        db.AuditAnchors.AddRange(signed);
        var segmentAnchors = covered.Concat(signed).Where(a => a.Sequence <= last).OrderBy(a => a.Sequence).ToList();

        var tenantName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(cancellationToken);
        var (content, uncompressed) = await WriteAsync(archived, segmentAnchors, tenantId, tenantName, signer, now, cancellationToken);
        var segment = new AuditArchiveSegment
        {
            TenantId = tenantId,
            FirstSequence = archived[0].Sequence,
            LastSequence = last,
            FirstOccurredAt = archived[0].OccurredAt,
            LastOccurredAt = archived[^1].OccurredAt,
            ArchivedAt = now,
            Content = content,
            UncompressedBytes = uncompressed,
            PreviousHash = archived[0].PreviousHash,
            LastHash = archived[^1].Hash,
            ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            SignedAt = AuditSignature.TruncateToMicroseconds(now),
            KeyId = AuditSignature.KeyIdOf(signer),
        };
        segment.Signature = AuditSignature.Sign(signer, AuditSignature.SegmentStatement(segment));
        db.AuditArchiveSegments.Add(segment);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node archived this segment at the same moment: theirs stands.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (await db.AuditArchiveSegments.AnyAsync(s => s.TenantId == tenantId && s.FirstSequence == segment.FirstSequence, cancellationToken))
            {
                return new ArchiveResult(null);
            }

            throw;
        }

        var released = await ReleaseAsync(segment, cancellationToken);
        if (released != segment.Records)
        {
            throw new InvalidOperationException($"Archiving records {segment.FirstSequence}–{segment.LastSequence} of tenant {tenantId} would release {released} live records, not {segment.Records}.");
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new ArchiveResult(segment);
    }

    /// <summary>The segment's evidence file (the <c>audit-evidence</c> export's JSON) through the one JSON export writer, gzip-compressed.</summary>
    private async Task<(byte[] Content, long Uncompressed)> WriteAsync(
        List<AuditRecord> records, List<AuditAnchor> anchors, Guid tenantId, string tenantName, ECDsa signer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var published = await keys.PublishedAsync(cancellationToken);
        IReadOnlyList<ExportAppendix> appendices = [];
        var document = new ExportDocument
        {
            Title = $"Audit archive segment: records {N(records[0].Sequence)}–{N(records[^1].Sequence)}",
            TenantName = tenantName,
            PeriodFrom = records[0].OccurredAt,
            PeriodTo = records[^1].OccurredAt,
            GeneratedAt = now,
            Columns = AuditEvidenceFile.RecordColumns,
            Rows = AuditEvidence.SealedRowsAsync(records.ToAsyncEnumerable(), tenantId, signer, now,
                seal => appendices = [AuditEvidence.Seal(seal), AuditEvidence.Anchors(anchors), AuditEvidence.Keys(published)], cancellationToken),
            Totals = () => [new("Records", records.Count.ToString("N0", CultureInfo.InvariantCulture)), new("Archived at", AuditSignature.FormatTime(now))],
            Appendices = () => appendices,
        };

        using var json = new MemoryStream();
        await new JsonExportWriter().WriteAsync(document, json, rowsWritten: null, cancellationToken);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            json.Position = 0;
            await json.CopyToAsync(gzip, cancellationToken);
        }

        return (compressed.ToArray(), json.Length);
    }

    /// <summary>Deletes the segment's live records: on PostgreSQL only the owner's function may, and only for an existing segment.</summary>
    private async Task<long> ReleaseAsync(AuditArchiveSegment segment, CancellationToken cancellationToken) =>
        db.IsPostgres
            ? await db.Database.SqlQuery<long>($"SELECT audit_archive_release({segment.TenantId}, {segment.FirstSequence}, {segment.LastSequence}) AS \"Value\"").SingleAsync(cancellationToken)
            : await db.AuditRecords.Where(r => r.TenantId == segment.TenantId && r.Sequence >= segment.FirstSequence && r.Sequence <= segment.LastSequence).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Where the segments from <paramref name="after"/> to <paramref name="through"/> end: every <paramref name="size"/> records, and at the last.</summary>
    private static IEnumerable<long> SegmentEnds(long after, long through, int size)
    {
        for (var end = after + size; end < through; end += size)
        {
            yield return end;
        }

        yield return through;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
