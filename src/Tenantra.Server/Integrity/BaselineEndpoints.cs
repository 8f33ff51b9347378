using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Integrity;

/// <summary>An asset's baselines, snapshot history and comparisons, pinning, and following a golden baseline.</summary>
public static class BaselineEndpoints
{
    public const string BaselineSide = "baseline";
    public const string CurrentSide = "current";

    public static void MapBaselineEndpoints(this IEndpointRouteBuilder routes)
    {
        var asset = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/assets/{assetId:guid}").WithTags("Integrity");
        asset.MapGet("/baselines", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListAssetBaselines").WithSummary("The asset's baseline per category: where it came from, its size, its revision, its active events");
        asset.MapGet("/snapshots", Snapshots).RequireTenant(Permission.AssetsRead)
            .WithName("ListAssetSnapshots").WithSummary("Stored snapshots of the asset, newest first")
            .WithDescription("Paged; `category` filters.");
        asset.MapGet("/diff/{category}", Diff).RequireTenant(Permission.AssetsRead)
            .WithName("DiffAssetState").WithSummary("Compare two states of a category: the baseline, the current state or any stored snapshot")
            .WithDescription("`from` and `to` are `baseline`, `current` or a snapshot id (defaults: baseline → current). Entries are paged and keyed by their natural identity; `status` filters (added, removed, modified, unchanged, or all for every entry with its status; by default the changed ones), `kind` filters, `q` searches keys and values. Volatile fields of the category are ignored; severities are what the tenant's rules say.");
        asset.MapPost("/baselines/{category}/pin", Pin).RequireTenant(Permission.IntegrityManage).Validates<PinBaselineRequest>()
            .WithName("PinAssetBaseline").WithSummary("Make a stored snapshot the asset's baseline for its category")
            .WithDescription("Audited with the comment; the asset stops following a golden baseline for this category. Drift is evaluated again at once.");
        asset.MapPost("/baselines/{category}/follow-golden", FollowGolden).RequireTenant(Permission.IntegrityManage).Validates<FollowGoldenRequest>()
            .WithName("FollowGoldenBaseline").WithSummary("Follow the golden baseline of the asset's group (else the tenant's), or stop following it")
            .WithDescription("Following drops the asset's own baseline for the category (its overrides start empty). Stopping keeps what the asset was expected to have as its own baseline.");
    }

    private static async Task<Results<Ok<IReadOnlyList<BaselineResponse>>, ProblemHttpResult>> List(Guid tenantId, Guid assetId, TenantraDbContext db, BaselineStore baselines)
    {
        if (await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId) is not { } asset)
        {
            return Problems.NotFound("Asset");
        }

        return TypedResults.Ok(await ResponsesAsync(asset, db, baselines));
    }

    private static async Task<IReadOnlyList<BaselineResponse>> ResponsesAsync(Asset asset, TenantraDbContext db, BaselineStore baselines)
    {
        var (tenantId, assetId) = (asset.TenantId, asset.Id);
        var own = await db.IntegrityBaselines.Where(b => b.TenantId == tenantId && b.AssetId == assetId).ToListAsync();
        var states = await db.AssetStates.Where(s => s.TenantId == tenantId && s.AssetId == assetId).Select(s => new { s.Category, s.SnapshotId }).ToListAsync();
        var active = await db.IntegrityEvents
            .Where(e => e.TenantId == tenantId && e.AssetId == assetId && (e.Status == IntegrityEventStatus.Open || e.Status == IntegrityEventStatus.Acknowledged))
            .GroupBy(e => e.Category).Select(g => new { Category = g.Key, Count = g.Count() }).ToListAsync();
        var responses = new List<BaselineResponse>();
        foreach (var baseline in own.OrderBy(b => b.Category, StringComparer.Ordinal))
        {
            var golden = baseline.FollowsGolden ? await baselines.GoldenForAsync(tenantId, asset.GroupId, baseline.Category) : null;
            var count = baseline.FollowsGolden ? (await baselines.EffectiveAsync(asset, baseline))!.Count : baseline.EntryCount;
            responses.Add(new BaselineResponse(
                baseline.Category, baseline.FollowsGolden, golden?.Scope, baseline.Origin, count, baseline.Revision, baseline.SourceSnapshotId,
                baseline.UpdatedAt, baseline.UpdatedBy, baseline.Comment, states.FirstOrDefault(s => s.Category == baseline.Category)?.SnapshotId,
                active.FirstOrDefault(a => a.Category == baseline.Category)?.Count ?? 0));
        }

        return responses;
    }

    private static async Task<Results<Ok<Paged<SnapshotHistoryItem>>, ProblemHttpResult>> Snapshots(
        Guid tenantId, Guid assetId, [AsParameters] PageRequest page, string? category, TenantraDbContext db)
    {
        if (!await db.Assets.AnyAsync(a => a.TenantId == tenantId && a.Id == assetId))
        {
            return Problems.NotFound("Asset");
        }

        var query = db.Snapshots.Where(s => s.TenantId == tenantId && s.AssetId == assetId);
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(s => s.Category == category);
        }

        var items = await query.OrderByDescending(s => s.CollectedAt).ThenByDescending(s => s.Id)
            .Select(s => new SnapshotHistoryItem(s.Id, s.Category, s.CollectedAt, s.ReceivedAt, s.EntryCount, s.ContentHash)).ToPageAsync(page);
        return TypedResults.Ok(items);
    }

    private static async Task<Results<Ok<DiffResponse>, ProblemHttpResult, ValidationProblem>> Diff(
        Guid tenantId, Guid assetId, string category, [AsParameters] PageRequest page, string? from, string? to, string? status, string? kind,
        TenantraDbContext db, BaselineStore baselines, SnapshotHistory history)
    {
        if (IntegrityPolicies.For(category) is not { } policy)
        {
            return Problems.NotFound("Category under drift detection");
        }

        if (await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId) is not { } asset)
        {
            return Problems.NotFound("Asset");
        }

        if (status is not (null or "added" or "removed" or "modified" or "unchanged" or "all"))
        {
            return Problems.Field("status", "must be added, removed, modified, unchanged or all.");
        }

        var fromSide = await SideAsync(db, baselines, history, asset, category, from ?? BaselineSide);
        if (fromSide.Problem is not null)
        {
            return Problems.Field("from", fromSide.Problem);
        }

        var toSide = await SideAsync(db, baselines, history, asset, category, to ?? CurrentSide);
        if (toSide.Problem is not null)
        {
            return Problems.Field("to", toSide.Problem);
        }

        var rules = SeverityRuleSet.For(await db.IntegrityRules.Where(r => r.TenantId == tenantId).ToListAsync());
        var reportAll = new IntegrityPolicy { Category = policy.Category, VolatileFields = policy.VolatileFields, IgnoredKinds = policy.IgnoredKinds, WatchedEntries = policy.WatchedEntries };
        var findings = DriftEvaluation.Evaluate(reportAll, fromSide.Entries!, toSide.Entries!, Suppressions.None, rules);
        var changed = findings.Select(f => (f.Change.Kind, f.Change.Key)).ToHashSet();
        var rows = findings.Select(f => new DiffEntry(
            f.Change.Change.ToString().ToLowerInvariant(), f.Change.Kind, f.Change.Key, f.Change.Fields, f.Before?.Fields, f.After?.Fields, f.Severity, f.RuleKeys)).ToList();
        var unchanged = toSide.Entries!.Where(e => policy.Evaluates(e) && !changed.Contains((e.Kind, e.Key))).ToList();
        var unchangedRows = unchanged.Select(e => new DiffEntry("unchanged", e.Kind, e.Key, [], e.Fields, e.Fields, null, []));
        if (status == "unchanged")
        {
            rows = [.. unchangedRows];
        }
        else if (status == "all")
        {
            rows = [.. rows, .. unchangedRows];
        }
        else if (status is "added" or "removed" or "modified")
        {
            rows = [.. rows.Where(r => r.Status == status)];
        }

        if (kind is not null)
        {
            rows = [.. rows.Where(r => r.Kind == kind)];
        }

        if (page.Search is { } search)
        {
            rows = [.. rows.Where(r => r.Key.Contains(search, StringComparison.OrdinalIgnoreCase)
                || (r.Before?.Values.Any(v => v?.Contains(search, StringComparison.OrdinalIgnoreCase) == true) ?? false)
                || (r.After?.Values.Any(v => v?.Contains(search, StringComparison.OrdinalIgnoreCase) == true) ?? false))];
        }

        var ordered = rows.OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new DiffResponse(
            category, fromSide.Label, toSide.Label, fromSide.CollectedAt, toSide.CollectedAt,
            findings.Count(f => f.Change.Change == EntryChangeKind.Added), findings.Count(f => f.Change.Change == EntryChangeKind.Removed),
            findings.Count(f => f.Change.Change == EntryChangeKind.Modified), unchanged.Count, [.. policy.VolatileFields.Order(StringComparer.Ordinal)],
            new Paged<DiffEntry>([.. ordered.Skip((page.Number - 1) * page.Size).Take(page.Size)], page.Number, page.Size, ordered.Count)));
    }

    private sealed record Side(IReadOnlyList<SnapshotEntry>? Entries, string Label, DateTimeOffset? CollectedAt, string? Problem);

    private static async Task<Side> SideAsync(TenantraDbContext db, BaselineStore baselines, SnapshotHistory history, Asset asset, string category, string side)
    {
        switch (side)
        {
            case BaselineSide:
                var own = await baselines.FindAsync(asset.TenantId, asset.Id, category);
                return await baselines.EffectiveAsync(asset, own) is { } expected
                    ? new Side(expected, BaselineSide, own!.UpdatedAt, null)
                    : new Side(null, side, null, "The asset has no baseline for this category yet.");
            case CurrentSide:
                var state = await db.AssetStates.SingleOrDefaultAsync(s => s.TenantId == asset.TenantId && s.AssetId == asset.Id && s.Category == category);
                return state is null
                    ? new Side(null, side, null, "The asset has not sent this category yet.")
                    : new Side(BaselineStore.Parse(state.EntriesJson), CurrentSide, state.CollectedAt, null);
            default:
                if (!Guid.TryParse(side, out var snapshotId))
                {
                    return new Side(null, side, null, "must be baseline, current or a snapshot id.");
                }

                return await history.LoadAsync(asset.TenantId, asset.Id, category, snapshotId) is { } snapshot
                    ? new Side(snapshot.Entries, snapshotId.ToString(), snapshot.CollectedAt, null)
                    : new Side(null, side, null, "is not a stored snapshot of this asset and category.");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<BaselineResponse>>, ProblemHttpResult, ValidationProblem>> Pin(
        Guid tenantId, Guid assetId, string category, PinBaselineRequest request, TenantraDbContext db, BaselineStore baselines, SnapshotHistory history,
        JobQueue jobs, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (!IntegrityPolicies.Covers(category))
        {
            return Problems.NotFound("Category under drift detection");
        }

        if (await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId) is not { } asset)
        {
            return Problems.NotFound("Asset");
        }

        if (await history.LoadAsync(tenantId, assetId, category, request.SnapshotId!.Value) is not { } snapshot)
        {
            return Problems.Field("snapshotId", "is not a stored snapshot of this asset and category.");
        }

        var baseline = await baselines.FindOrAddAsync(tenantId, assetId, category);
        var before = new { baseline.Revision, baseline.Origin, baseline.SourceSnapshotId, baseline.FollowsGolden };
        baseline.Keep(BaselineStore.Serialize(snapshot.Entries), snapshot.Entries.Count, BaselineOrigin.Pinned, request.SnapshotId);
        Touch(baseline, caller, request.Comment!, clock);
        DriftEvaluator.Enqueue(jobs, tenantId, assetId, category);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-baseline.pinned", "asset", assetId,
            Before: before, After: new { category, baseline.Revision, baseline.SourceSnapshotId, baseline.EntryCount, baseline.Comment }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(await ResponsesAsync(asset, db, baselines));
    }

    private static async Task<Results<Ok<IReadOnlyList<BaselineResponse>>, ProblemHttpResult, ValidationProblem>> FollowGolden(
        Guid tenantId, Guid assetId, string category, FollowGoldenRequest request, TenantraDbContext db, BaselineStore baselines, JobQueue jobs,
        Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (!IntegrityPolicies.Covers(category))
        {
            return Problems.NotFound("Category under drift detection");
        }

        if (await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId) is not { } asset)
        {
            return Problems.NotFound("Asset");
        }

        var baseline = await baselines.FindAsync(tenantId, assetId, category);
        if (request.Follow == true)
        {
            if (await baselines.GoldenForAsync(tenantId, asset.GroupId, category) is null)
            {
                return Problems.Field("follow", "There is no golden baseline for this category in the asset's group or the tenant.");
            }

            baseline ??= baselines.Add(tenantId, assetId, category);
            baseline.FollowGolden();
        }
        else
        {
            if (baseline is not { FollowsGolden: true })
            {
                return Problems.Field("follow", "The asset does not follow a golden baseline for this category.");
            }

            // What it was expected to have stays expected: the merged entries become its own.
            var expected = (await baselines.EffectiveAsync(asset, baseline))!;
            baseline.Keep(BaselineStore.Serialize(expected), expected.Count, BaselineOrigin.Pinned, null);
        }

        Touch(baseline, caller, request.Comment!, clock);
        DriftEvaluator.Enqueue(jobs, tenantId, assetId, category);
        await audit.StageAsync(tenantId, new AuditEvent(request.Follow == true ? "integrity-baseline.follows-golden" : "integrity-baseline.own", "asset", assetId,
            After: new { category, baseline.Revision, baseline.Comment }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(await ResponsesAsync(asset, db, baselines));
    }

    internal static void Touch(IntegrityBaseline baseline, Caller caller, string comment, TimeProvider clock)
    {
        baseline.Revision++;
        baseline.UpdatedAt = clock.GetUtcNow();
        baseline.UpdatedBy = caller.UserIdOrNull;
        baseline.Comment = comment.Trim();
    }
}
