using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
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

/// <summary>The tenant's audit trail (the full viewer, search and detections come with the audit log feature).</summary>
public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/audit-records").WithTags("Audit");
        audit.MapGet("/", List).RequireTenant(Permission.AuditRead)
            .WithName("ListAuditRecords").WithSummary("The tenant's audit records, newest first")
            .WithDescription("Paged; filters: `action` (prefix, e.g. `tenant.`), `outcome`, `actorUserId`, `from`/`to` (UTC). `q` searches actor names and targets. Sort: `occurredAt` (default `-occurredAt`, newest first).");
        audit.MapPost("/verify", Verify).RequireTenant(Permission.AuditRead)
            .WithName("VerifyAuditChain").WithSummary("Check the tenant's hash chain")
            .WithDescription("Recomputes every record's hash and link and compares the end with the chain head.");
    }

    private static async Task<Ok<Paged<AuditRecordResponse>>> List(
        Guid tenantId, [AsParameters] PageRequest page, string? action, EnumFilter<AuditOutcome>? outcome, Guid? actorUserId, DateTimeOffset? from, DateTimeOffset? to, TenantraDbContext db)
    {
        var filter = new AuditRecordFilter(action, outcome?.Value, actorUserId, from, to, page.Search);
        if (page.Sort is null or "-occurredAt" && filter.IsEmpty)
        {
            return TypedResults.Ok(await UnfilteredPageAsync(db, tenantId, page));
        }

        var query = filter.Apply(db.AuditRecords.Where(r => r.TenantId == tenantId));
        return TypedResults.Ok(await Responses(s_sortKeys.Apply(query, page.Sort)).ToPageAsync(page));
    }

    /// <summary>A chain records in the order things happened, so its sequence is the time order (and unique).</summary>
    private static readonly SortKeys<AuditRecord> s_sortKeys = new("-occurredAt", r => r.Sequence, new Dictionary<string, Expression<Func<AuditRecord, object?>>>
    {
        ["occurredAt"] = r => r.Sequence,
    });

    /// <summary>
    /// A chain's sequences run 1..N without gaps, so the head gives the exact total and page k starts
    /// at sequence N − (k−1)·size: no count over the tenant's records and no OFFSET, however long the chain.
    /// </summary>
    private static async Task<Paged<AuditRecordResponse>> UnfilteredPageAsync(TenantraDbContext db, Guid tenantId, PageRequest page)
    {
        var last = await s_lastSequence(db, tenantId) ?? 0;
        var first = last - ((long)(page.Number - 1) * page.Size);
        var items = await s_pageFrom(db, tenantId, first, page.Size).ToListAsync();
        return new Paged<AuditRecordResponse>(items, page.Number, page.Size, (int)Math.Min(last, int.MaxValue));
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

    private static async Task<Ok<AuditChainVerification>> Verify(Guid tenantId, TenantraDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AuditVerification.VerifyAsync(db, tenantId, cancellationToken));
}

/// <summary>Streams one tenant's chain through the verifier (used by the API and by <c>audit verify</c>).</summary>
public static class AuditVerification
{
    public static async Task<AuditChainVerification> VerifyAsync(TenantraDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var head = await db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.TenantId == tenantId, cancellationToken);
        var records = db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId).OrderBy(r => r.Sequence).AsAsyncEnumerable();
        return await AuditChainVerifier.VerifyAsync(records, head, cancellationToken);
    }
}
