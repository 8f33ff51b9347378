using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Integrity;

/// <summary>
/// Golden baselines: what every asset of a group (or of the tenant) is expected to have in a
/// category, made from one asset's snapshot. Assets without a baseline follow it from their first
/// snapshot; others follow it when asked to (one by one or all at once).
/// </summary>
public static class GoldenBaselineEndpoints
{
    public static void MapGoldenBaselineEndpoints(this IEndpointRouteBuilder routes)
    {
        var golden = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/integrity/golden-baselines").WithTags("Integrity");
        golden.MapGet("/", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListGoldenBaselines").WithSummary("Golden baselines per group (or the whole tenant) and category, with their followers");
        golden.MapPost("/", Create).RequireTenant(Permission.IntegrityManage).Validates<CreateGoldenBaselineRequest>()
            .WithName("SetGoldenBaseline").WithSummary("Make or replace the golden baseline of a group (no `groupId`: the tenant) and category from an asset's snapshot")
            .WithDescription("`snapshotId` defaults to the asset's current state. `applyToAssets` makes every asset of the group (or tenant) follow it. Followers are evaluated again at once.");
        golden.MapDelete("/{goldenBaselineId:guid}", Delete).RequireTenant(Permission.IntegrityManage)
            .WithName("DeleteGoldenBaseline").WithSummary("Delete a golden baseline")
            .WithDescription("Its followers keep what they were expected to have as their own baselines; nothing is re-baselined silently.");
    }

    private static async Task<Ok<IReadOnlyList<GoldenBaselineResponse>>> List(Guid tenantId, TenantraDbContext db)
    {
        var golden = await db.IntegrityBaselines.Where(b => b.TenantId == tenantId && b.AssetId == null).ToListAsync();
        var groups = await db.AssetGroups.Where(g => g.TenantId == tenantId).ToDictionaryAsync(g => g.Id, g => g.Name);
        var followers = await db.IntegrityBaselines.Where(b => b.TenantId == tenantId && b.AssetId != null && b.FollowsGolden)
            .Join(db.Assets.Where(a => a.TenantId == tenantId), b => b.AssetId, a => a.Id, (b, a) => new { b.Category, a.GroupId }).ToListAsync();
        return TypedResults.Ok<IReadOnlyList<GoldenBaselineResponse>>([.. golden.OrderBy(b => b.GroupId is not null).ThenBy(b => b.Category, StringComparer.Ordinal).Select(b =>
            new GoldenBaselineResponse(
                b.Id, b.GroupId, b.GroupId is { } id ? groups.GetValueOrDefault(id) : null, b.Category, b.EntryCount, b.Revision, b.SourceSnapshotId, b.UpdatedAt, b.Comment,
                // A follower follows its group's golden baseline if there is one, else the tenant's.
                followers.Count(f => f.Category == b.Category && (b.GroupId is null
                    ? f.GroupId is null || !golden.Any(g => g.GroupId == f.GroupId && g.Category == b.Category)
                    : f.GroupId == b.GroupId))))]);
    }

    private static async Task<Results<Ok<IReadOnlyList<GoldenBaselineResponse>>, ValidationProblem>> Create(
        Guid tenantId, CreateGoldenBaselineRequest request, TenantraDbContext db, BaselineStore baselines, SnapshotHistory history, JobQueue jobs, Caller caller,
        AuditWriter audit, TimeProvider clock)
    {
        var category = request.Category!;
        if (request.GroupId is { } groupId && !await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Id == groupId))
        {
            return Problems.Field("groupId", "is not an asset group of this tenant.");
        }

        if (!await db.Assets.AnyAsync(a => a.TenantId == tenantId && a.Id == request.AssetId))
        {
            return Problems.Field("assetId", "is not an asset of this tenant.");
        }

        var snapshotId = request.SnapshotId
            ?? await db.AssetStates.Where(s => s.TenantId == tenantId && s.AssetId == request.AssetId && s.Category == category).Select(s => (Guid?)s.SnapshotId).SingleOrDefaultAsync();
        if (snapshotId is null || await history.LoadAsync(tenantId, request.AssetId!.Value, category, snapshotId.Value) is not { } snapshot)
        {
            return Problems.Field("snapshotId", "is not a stored snapshot of this asset and category.");
        }

        var scope = IntegrityBaseline.GoldenScope(request.GroupId);
        var golden = await db.IntegrityBaselines.AsTracking().SingleOrDefaultAsync(b => b.TenantId == tenantId && b.Scope == scope && b.Category == category);
        if (golden is null)
        {
            golden = new IntegrityBaseline { TenantId = tenantId, Scope = scope, GroupId = request.GroupId, Category = category, EntriesJson = "[]", Revision = 0 };
            db.IntegrityBaselines.Add(golden);
        }

        golden.EntriesJson = BaselineStore.Serialize(snapshot.Entries);
        golden.EntryCount = snapshot.Entries.Count;
        golden.Origin = BaselineOrigin.Template;
        golden.SourceSnapshotId = snapshotId;
        BaselineEndpoints.Touch(golden, caller, request.Comment!, clock);

        var assets = await db.Assets.Where(a => a.TenantId == tenantId && a.RevokedAt == null && (request.GroupId == null || a.GroupId == request.GroupId)).Select(a => a.Id).ToListAsync();
        var own = await db.IntegrityBaselines.AsTracking().Where(b => b.TenantId == tenantId && b.Category == category && b.AssetId != null && assets.Contains(b.AssetId.Value)).ToListAsync();
        foreach (var assetId in assets)
        {
            var baseline = own.FirstOrDefault(b => b.AssetId == assetId);
            if (request.ApplyToAssets == true && baseline is not { FollowsGolden: true })
            {
                baseline ??= baselines.Add(tenantId, assetId, category);
                baseline.FollowGolden();
                BaselineEndpoints.Touch(baseline, caller, request.Comment!, clock);
            }

            if (baseline is { FollowsGolden: true })
            {
                DriftEvaluator.Enqueue(jobs, tenantId, assetId, category);
            }
        }

        await audit.StageAsync(tenantId, new AuditEvent("integrity-baseline.golden-set", "integrity-baseline", golden.Id,
            After: new { category, request.GroupId, golden.Revision, golden.SourceSnapshotId, golden.EntryCount, golden.Comment, request.ApplyToAssets }));
        await db.SaveChangesAsync();
        return TypedResults.Ok((await List(tenantId, db)).Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid tenantId, Guid goldenBaselineId, TenantraDbContext db, BaselineStore baselines, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (await db.IntegrityBaselines.AsTracking().SingleOrDefaultAsync(b => b.TenantId == tenantId && b.Id == goldenBaselineId && b.AssetId == null) is not { } golden)
        {
            return Problems.NotFound("Golden baseline");
        }

        // Followers keep what they were expected to have: their merged entries become their own.
        var followers = await db.IntegrityBaselines.AsTracking().Where(b => b.TenantId == tenantId && b.Category == golden.Category && b.FollowsGolden).ToListAsync();
        var assets = await db.Assets.Where(a => a.TenantId == tenantId).ToDictionaryAsync(a => a.Id);
        var kept = 0;
        foreach (var follower in followers)
        {
            var asset = assets[follower.AssetId!.Value];
            if ((await baselines.GoldenForAsync(tenantId, asset.GroupId, golden.Category))?.Id != golden.Id)
            {
                continue;
            }

            var expected = (await baselines.EffectiveAsync(asset, follower))!;
            follower.Keep(BaselineStore.Serialize(expected), expected.Count, BaselineOrigin.Pinned, follower.SourceSnapshotId);
            BaselineEndpoints.Touch(follower, caller, "The golden baseline it followed was deleted; its entries are kept as the asset's own.", clock);
            kept++;
        }

        db.IntegrityBaselines.Remove(golden);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-baseline.golden-deleted", "integrity-baseline", golden.Id,
            Before: new { golden.Category, golden.GroupId, golden.Revision, golden.EntryCount }, After: new { followersKeptOwnBaseline = kept }));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
