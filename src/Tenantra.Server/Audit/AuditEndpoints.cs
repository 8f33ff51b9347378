using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Audit;

public sealed record AuditRecordResponse(
    long Sequence, Guid Id, DateTimeOffset OccurredAt, Guid? ActorUserId, Guid? ActorTokenId, string? ActorName, Guid? OnBehalfOfTenantId,
    string Action, string? TargetType, string? TargetId, string? Before, string? After, string? SourceIp, string? UserAgent,
    string? RequestId, AuditOutcome Outcome, string PreviousHash, string Hash);

/// <summary>The audit list's filters as query parameters (the list and an archive segment's records take the same).</summary>
public sealed record AuditRecordQuery(
    [property: FromQuery(Name = "action")] string? Action,
    [property: FromQuery(Name = "outcome")] EnumFilter<AuditOutcome>? Outcome,
    [property: FromQuery(Name = "actorUserId")] Guid? ActorUserId,
    [property: FromQuery(Name = "onBehalfOfTenantId")] Guid? OnBehalfOfTenantId,
    [property: FromQuery(Name = "targetType")] string? TargetType,
    [property: FromQuery(Name = "targetId")] string? TargetId,
    [property: FromQuery(Name = "sourceIp")] string? SourceIp,
    [property: FromQuery(Name = "from")] DateTimeOffset? From,
    [property: FromQuery(Name = "to")] DateTimeOffset? To)
{
    public AuditRecordFilter Filter(string? search) =>
        new(Blank(Action), Outcome?.Value, ActorUserId, From, To, search, OnBehalfOfTenantId, Blank(TargetType), Blank(TargetId), Blank(SourceIp));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record AuditAnchorResponse(long Sequence, string Hash, DateTimeOffset SignedAt, string KeyId, string Signature);

public sealed record AuditSigningKeyResponse(string KeyId, string Algorithm, string PublicKeyPem, DateTimeOffset CreatedAt);

/// <summary>The tenant's audit trail: records (filters, full-text search, detail), chain verification and signed anchors; the server's public signing keys.</summary>
public static class AuditEndpoints
{
    /// <summary>A filtered list counts this many matches at most (then "10,000+"): a broad search over millions of records stays fast.</summary>
    public const int FilteredCountLimit = 10_000;

    public static void MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/audit-records").WithTags("Audit");
        audit.MapGet("/", List).RequireTenant(Permission.AuditRead)
            .WithName("ListAuditRecords").WithSummary("The tenant's audit records, newest first")
            .WithDescription("Paged; filters: `action` (prefix, e.g. `tenant.`), `outcome`, `actorUserId`, `onBehalfOfTenantId` (the MSP whose staff acted), `targetType`, `targetId`, `sourceIp` (exact), `from`/`to` (UTC). `q` is full-text search over actor, action, target, source IP, user agent, request id and before/after: every term must match, the last word of a term as a prefix. Sort: `occurredAt` (default `-occurredAt`, newest first). A filtered list counts up to 10,000 matches; beyond, `total` is 10,000 and `totalIsAtLeast` is true.");
        audit.MapGet("/{sequence:long}", Get).RequireTenant(Permission.AuditRead)
            .WithName("GetAuditRecord").WithSummary("One audit record, by its place in the chain");
        audit.MapPost("/verify", Verify).RequireTenant(Permission.AuditRead)
            .WithName("VerifyAuditChain").WithSummary("Check the tenant's hash chain")
            .WithDescription("Recomputes every record's hash and link, checks every signed anchor (signature, and the hash of the record it names — a chain truncated or rewritten together with its head fails here) and compares the end with the chain head.");
        routes.MapGet("/api/v1/tenants/{tenantId:guid}/audit-anchors", ListAnchors).RequireTenant(Permission.AuditRead).WithTags("Audit")
            .WithName("ListAuditAnchors").WithSummary("The signed anchors over the tenant's chain, newest first")
            .WithDescription("Each anchor is the server's ECDSA P-256 signature over the tenant id, a record's sequence and hash, the time and the key id (statement format in docs/audit.md); check it with the public keys from `GET /api/v1/audit/signing-keys`.");
        routes.MapGet("/api/v1/audit/signing-keys", ListSigningKeys).AllowAnonymous().WithTags("Audit")
            .WithName("ListAuditSigningKeys").WithSummary("The server's public keys for audit anchors and export seals")
            .WithDescription("Public, so auditors can fetch and pin them. Newest (the one signing now) first.");
        routes.MapAuditDetectionEndpoints();
        routes.MapAuditArchiveEndpoints();
    }

    private static async Task<Ok<Paged<AuditRecordResponse>>> List(
        Guid tenantId, [AsParameters] PageRequest page, [AsParameters] AuditRecordQuery query, TenantraDbContext db, AuditArchive archive)
    {
        var filter = query.Filter(page.Search);
        if (page.Sort is null or "-occurredAt" && filter.IsEmpty)
        {
            return TypedResults.Ok(await UnfilteredPageAsync(db, tenantId, await archive.ArchivedThroughAsync(tenantId), page));
        }

        await using var plan = await AuditSearch.PlanForValuesAsync(db);
        var (matching, many) = await filter.ApplyAsync(db, tenantId);
        return TypedResults.Ok(many
            ? await matching.ToPageAtLeastAsync(m => Responses(s_sortKeys.Apply(m, page.Sort)), page, FilteredCountLimit)
            : await matching.ToPageCountingUpToAsync(m => Responses(s_sortKeys.Apply(m, page.Sort)), page, FilteredCountLimit));
    }

    /// <summary>A live record, or one an archive segment holds (read from the segment).</summary>
    private static async Task<Results<Ok<AuditRecordResponse>, ProblemHttpResult>> Get(Guid tenantId, long sequence, TenantraDbContext db, AuditArchive archive)
    {
        if (await Responses(db.AuditRecords.Where(r => r.TenantId == tenantId && r.Sequence == sequence)).SingleOrDefaultAsync() is { } record)
        {
            return TypedResults.Ok(record);
        }

        if (await archive.HoldingAsync(tenantId, sequence) is not { } segment)
        {
            return Problems.NotFound("Audit record");
        }

        try
        {
            return AuditArchive.Read(segment).SingleOrDefault(r => r.Sequence == sequence) is { } archived
                ? TypedResults.Ok(ToResponse(archived))
                : Problems.NotFound("Audit record");
        }
        catch (InvalidDataException ex)
        {
            return Problems.Conflict($"Record {sequence} is archived in a segment that does not read ({ex.Message}): it was altered; `audit verify` reports it.");
        }
    }

    private static async Task<Ok<Paged<AuditAnchorResponse>>> ListAnchors(Guid tenantId, [AsParameters] PageRequest page, TenantraDbContext db) =>
        TypedResults.Ok(await db.AuditAnchors.Where(a => a.TenantId == tenantId).OrderByDescending(a => a.Sequence)
            .Select(a => new AuditAnchorResponse(a.Sequence, a.Hash, a.SignedAt, a.KeyId, a.Signature)).ToPageAsync(page));

    private static async Task<Ok<List<AuditSigningKeyResponse>>> ListSigningKeys(AuditSigningKeys keys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keys.PublishedAsync(cancellationToken)).Select(k => new AuditSigningKeyResponse(k.Id, AuditSignature.Algorithm, k.PublicKeyPem, k.CreatedAt)).ToList());

    /// <summary>A chain records in the order things happened, so its sequence is the time order (and unique).</summary>
    private static readonly SortKeys<AuditRecord> s_sortKeys = new("-occurredAt", r => r.Sequence, new Dictionary<string, Expression<Func<AuditRecord, object?>>>
    {
        ["occurredAt"] = r => r.Sequence,
    });

    /// <summary>
    /// A chain's live sequences run from the archived end + 1 to N without gaps, so the head gives the
    /// exact total and page k starts at sequence N − (k−1)·size: no count over the tenant's records and
    /// no OFFSET, however long the chain.
    /// </summary>
    private static async Task<Paged<AuditRecordResponse>> UnfilteredPageAsync(TenantraDbContext db, Guid tenantId, long archivedThrough, PageRequest page)
    {
        var last = await s_lastSequence(db, tenantId) ?? 0;
        var first = last - ((long)(page.Number - 1) * page.Size);
        var items = await s_pageFrom(db, tenantId, first, page.Size).ToListAsync();
        return new Paged<AuditRecordResponse>(items, page.Number, page.Size, (int)Math.Min(Math.Max(0, last - archivedThrough), int.MaxValue));
    }

    private static readonly Expression<Func<AuditRecord, AuditRecordResponse>> s_toResponse = r => new AuditRecordResponse(
        r.Sequence, r.Id, r.OccurredAt, r.ActorUserId, r.ActorTokenId, r.ActorName, r.OnBehalfOfTenantId,
        r.Action, r.TargetType, r.TargetId, r.Before, r.After, r.SourceIp, r.UserAgent, r.RequestId, r.Outcome, r.PreviousHash, r.Hash);

    // Compiled once: the unfiltered list is the audit trail's busiest read.
    private static readonly Func<TenantraDbContext, Guid, Task<long?>> s_lastSequence = EF.CompileAsyncQuery(
        (TenantraDbContext db, Guid tenantId) => db.AuditChainHeads.Where(h => h.TenantId == tenantId).Select(h => (long?)h.LastSequence).SingleOrDefault());

    private static readonly Func<TenantraDbContext, Guid, long, int, IAsyncEnumerable<AuditRecordResponse>> s_pageFrom = EF.CompileAsyncQuery(
        (TenantraDbContext db, Guid tenantId, long first, int size) => db.AuditRecords
            .Where(r => r.TenantId == tenantId && r.Sequence <= first)
            .OrderByDescending(r => r.Sequence)
            .Take(size)
            .Select(s_toResponse));

    private static IQueryable<AuditRecordResponse> Responses(IQueryable<AuditRecord> records) => records.Select(s_toResponse);

    private static readonly Func<AuditRecord, AuditRecordResponse> s_toResponseInMemory = s_toResponse.Compile();

    /// <summary>A record read from an archive segment, as the list shows records.</summary>
    public static AuditRecordResponse ToResponse(AuditRecord record) => s_toResponseInMemory(record);

    private static async Task<Ok<AuditChainVerification>> Verify(Guid tenantId, AuditVerification verification, CancellationToken cancellationToken) =>
        TypedResults.Ok(await verification.VerifyAsync(tenantId, cancellationToken));
}
