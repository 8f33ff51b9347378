using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Audit;

public sealed record AuditArchiveSegmentResponse(
    long FirstSequence, long LastSequence, int Records, DateTimeOffset FirstOccurredAt, DateTimeOffset LastOccurredAt, DateTimeOffset ArchivedAt,
    long CompressedBytes, long UncompressedBytes);

/// <summary>The tenant's archive segments: which there are, a search inside one, and one as its evidence file.</summary>
public static class AuditArchiveEndpoints
{
    public static void MapAuditArchiveEndpoints(this IEndpointRouteBuilder routes)
    {
        var archive = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/audit-archive").WithTags("Audit");
        archive.MapGet("/", List).RequireTenant(Permission.AuditRead)
            .WithName("ListAuditArchiveSegments").WithSummary("The tenant's archive segments, newest first")
            .WithDescription("Records older than the archive window (`Tenantra:Audit:ArchiveAfterDays`) live in compressed, signed segments. `from`/`to` (UTC) keep the segments whose records overlap that period. Sort: `firstSequence` (default `-firstSequence`).");
        archive.MapGet("/{firstSequence:long}/records", Records).RequireTenant(Permission.AuditRead)
            .WithName("ListArchivedAuditRecords").WithSummary("Search the records of one archive segment, newest first")
            .WithDescription("The audit list's filters and full-text `q`, answered from the segment's content (read on demand). Sort: `occurredAt` (default `-occurredAt`).");
        archive.MapGet("/{firstSequence:long}/file", File).RequireTenant(Permission.AuditRead)
            .WithName("DownloadAuditArchiveSegment").WithSummary("One archive segment as its evidence file (gzip-compressed JSON)")
            .WithDescription("The `audit-evidence` export format: every hashed field, the anchors, the public keys and the seal; check it offline with `tenantra audit verify --file` after `gunzip`.")
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip");
    }

    private static async Task<Ok<Paged<AuditArchiveSegmentResponse>>> List(Guid tenantId, [AsParameters] PageRequest page, DateTimeOffset? from, DateTimeOffset? to, AuditArchive archive)
    {
        var segments = archive.Segments(tenantId);
        if (from is { } start)
        {
            segments = segments.Where(s => s.LastOccurredAt >= start.ToUniversalTime());
        }

        if (to is { } end)
        {
            segments = segments.Where(s => s.FirstOccurredAt < end.ToUniversalTime());
        }

        return TypedResults.Ok(await s_sortKeys.Apply(segments, page.Sort).Select(s => new AuditArchiveSegmentResponse(
            s.FirstSequence, s.LastSequence, (int)(s.LastSequence - s.FirstSequence + 1), s.FirstOccurredAt, s.LastOccurredAt, s.ArchivedAt, s.Content.Length, s.UncompressedBytes)).ToPageAsync(page));
    }

    private static async Task<Results<Ok<Paged<AuditRecordResponse>>, ProblemHttpResult>> Records(
        Guid tenantId, long firstSequence, [AsParameters] PageRequest page, [AsParameters] AuditRecordQuery query, AuditArchive archive)
    {
        var newestFirst = (page.Sort ?? "-occurredAt") switch
        {
            "-occurredAt" => true,
            "occurredAt" => false,
            _ => throw new InvalidQueryException("sort", "must be one of: occurredAt (prefix '-' for descending)."),
        };
        if (await archive.SegmentAsync(tenantId, firstSequence) is not { } segment)
        {
            return Problems.NotFound("Archive segment");
        }

        List<AuditRecord> records;
        try
        {
            records = AuditArchive.Read(segment);
        }
        catch (InvalidDataException ex)
        {
            return Problems.Conflict($"The archive segment of records {segment.FirstSequence}–{segment.LastSequence} does not read ({ex.Message}): it was altered; `audit verify` reports it.");
        }

        var matching = records.Where(query.Filter(page.Search).Predicate()).ToList();
        var ordered = newestFirst ? Enumerable.Reverse(matching) : matching;
        var items = ordered.Skip((page.Number - 1) * page.Size).Take(page.Size).Select(AuditEndpoints.ToResponse).ToList();
        return TypedResults.Ok(new Paged<AuditRecordResponse>(items, page.Number, page.Size, matching.Count));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> File(Guid tenantId, long firstSequence, AuditArchive archive) =>
        await archive.SegmentAsync(tenantId, firstSequence) is { } segment
            ? TypedResults.File(segment.Content, "application/gzip", $"audit-segment-{segment.FirstSequence}-{segment.LastSequence}.json.gz")
            : Problems.NotFound("Archive segment");

    private static readonly SortKeys<AuditArchiveSegment> s_sortKeys = new("-firstSequence", s => s.FirstSequence, new Dictionary<string, Expression<Func<AuditArchiveSegment, object?>>>
    {
        ["firstSequence"] = s => s.FirstSequence,
    });
}
