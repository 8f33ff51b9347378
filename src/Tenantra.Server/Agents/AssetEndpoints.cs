using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Agents;

public sealed record AssetSummary(
    Guid Id, string Hostname, string Os, string OsVersion, string AgentVersion, string Status, DateTimeOffset LastSeenAt,
    DateTimeOffset EnrolledAt, IReadOnlyList<string> Addresses, IReadOnlyList<string> Tags, Guid? GroupId, long DroppedSnapshots);

public sealed record AssetCategoryState(string Category, Guid SnapshotId, DateTimeOffset CollectedAt, int EntryCount, string ContentHash);

public sealed record AssetDetail(AssetSummary Asset, long UptimeSeconds, DateTimeOffset KeySetAt, IReadOnlyList<AssetCategoryState> Categories);

public sealed record UpdateAssetRequest(IReadOnlyList<string>? Tags, Guid? GroupId, bool? ClearGroup) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Tags is null && GroupId is null && ClearGroup is null)
        {
            errors.Add("tags", "Give tags, a group, or clearGroup.");
        }

        if (Tags is { Count: > 20 })
        {
            errors.Add("tags", "must be at most 20 tags.");
        }

        foreach (var tag in Tags ?? [])
        {
            errors.Required("tags", tag, 50);
        }
    }
}

public sealed record CreateAssetGroupRequest(string? Name) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("name", Name, 100);
}

public sealed record AssetGroupResponse(Guid Id, string Name, int AssetCount);

public sealed record CollectionPolicyResponse(Guid? GroupId, IReadOnlyDictionary<string, int> IntervalSeconds);

public sealed record SetCollectionPolicyRequest(Guid? GroupId, IReadOnlyDictionary<string, int>? IntervalSeconds) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (IntervalSeconds is null or { Count: 0 })
        {
            errors.Add("intervalSeconds", "is required.");
            return;
        }

        foreach (var (category, seconds) in IntervalSeconds)
        {
            if (!CollectionPolicies.IsValidInterval(category, seconds))
            {
                errors.Add($"intervalSeconds.{category}", $"must be a known category with {CollectionInterval.MinSeconds}–{CollectionInterval.MaxSeconds} seconds.");
            }
        }
    }
}

/// <summary>The asset inventory: list, detail, current state per category, tags, groups, revocation and collection policy.</summary>
public static class AssetEndpoints
{
    public static void MapAssetEndpoints(this IEndpointRouteBuilder routes)
    {
        var assets = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/assets").WithTags("Assets");
        assets.MapGet("/", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListAssets").WithSummary("Assets of the tenant")
            .WithDescription("Paged; `q` searches hostnames, addresses and tags; `status` is online, offline or revoked; `os`, `groupId` and `tag` filter. Sort: `hostname` (default), `lastSeenAt`, `os`, `enrolledAt`.");
        assets.MapGet("/{assetId:guid}", Get).RequireTenant(Permission.AssetsRead)
            .WithName("GetAsset").WithSummary("One asset with its categories' latest snapshots");
        assets.MapGet("/{assetId:guid}/state/{category}", State).RequireTenant(Permission.AssetsRead)
            .WithName("GetAssetState").WithSummary("Current entries of one category of an asset")
            .WithDescription("Paged; `q` searches keys and field values; `kind` filters. Entries are in key order.");
        assets.MapPatch("/{assetId:guid}", Update).RequireTenant(Permission.AgentsManage).Validates<UpdateAssetRequest>()
            .WithName("UpdateAsset").WithSummary("Set an asset's tags or group");
        assets.MapPost("/{assetId:guid}/revoke", Revoke).RequireTenant(Permission.AgentsManage)
            .WithName("RevokeAgent").WithSummary("Revoke the asset's agent: its requests are refused from now on")
            .WithDescription("History stays. Enrolling the machine again with a valid token makes it the same asset with a new key.");

        var groups = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/asset-groups").WithTags("Assets");
        groups.MapGet("/", ListGroups).RequireTenant(Permission.AssetsRead).WithName("ListAssetGroups").WithSummary("Asset groups with their sizes");
        groups.MapPost("/", CreateGroup).RequireTenant(Permission.AgentsManage).Validates<CreateAssetGroupRequest>()
            .WithName("CreateAssetGroup").WithSummary("Create an asset group");

        var policy = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/collection-policy").WithTags("Assets");
        policy.MapGet("/", GetPolicy).RequireTenant(Permission.AssetsRead)
            .WithName("GetCollectionPolicy").WithSummary("Collection intervals for the tenant or one group (`groupId`)")
            .WithDescription("Effective values: the group's, else the tenant's, else the defaults.");
        policy.MapPut("/", SetPolicy).RequireTenant(Permission.AgentsManage).Validates<SetCollectionPolicyRequest>()
            .WithName("SetCollectionPolicy").WithSummary("Set collection intervals for the tenant or one group")
            .WithDescription("Agents receive the change with their next heartbeat.");
    }

    private static readonly SortKeys<Asset> s_sortKeys = new("hostname", a => a.Id, new Dictionary<string, Expression<Func<Asset, object?>>>
    {
        ["hostname"] = a => a.Hostname,
        ["lastSeenAt"] = a => a.LastSeenAt,
        ["os"] = a => a.Os,
        ["enrolledAt"] = a => a.EnrolledAt,
    });

    internal static AssetSummary Summary(Asset a, DateTimeOffset now) => new(
        a.Id, a.Hostname, a.Os, a.OsVersion, a.AgentVersion,
        a.RevokedAt is not null ? "revoked" : a.IsOnlineAt(now) ? "online" : "offline",
        a.LastSeenAt, a.EnrolledAt, a.Addresses, a.Tags, a.GroupId, a.DroppedSnapshots);

    private static async Task<Results<Ok<Paged<AssetSummary>>, ValidationProblem>> List(
        Guid tenantId, [AsParameters] PageRequest page, string? status, string? os, Guid? groupId, string? tag, TenantraDbContext db, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var onlineSince = now - Asset.OnlineWindow;
        var query = db.Assets.Where(a => a.TenantId == tenantId);
        switch (status)
        {
            case null:
                break;
            case "online":
                query = query.Where(a => a.RevokedAt == null && a.LastSeenAt >= onlineSince);
                break;
            case "offline":
                query = query.Where(a => a.RevokedAt == null && a.LastSeenAt < onlineSince);
                break;
            case "revoked":
                query = query.Where(a => a.RevokedAt != null);
                break;
            default:
                return Problems.Field("status", "must be online, offline or revoked.");
        }

        if (os is not null)
        {
            query = query.Where(a => a.Os == os);
        }

        if (groupId is not null)
        {
            query = query.Where(a => a.GroupId == groupId);
        }

        var all = await s_sortKeys.Apply(query, page.Sort).ToListAsync();
        // Tags and addresses are lists in one column; search and the tag filter apply to the tenant's assets in memory.
        IEnumerable<Asset> filtered = all;
        if (tag is not null)
        {
            filtered = filtered.Where(a => a.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
        }

        if (page.Search is { } search)
        {
            filtered = filtered.Where(a => a.Hostname.Contains(search, StringComparison.OrdinalIgnoreCase)
                || a.Addresses.Any(x => x.Contains(search, StringComparison.OrdinalIgnoreCase))
                || a.Tags.Any(x => x.Contains(search, StringComparison.OrdinalIgnoreCase)));
        }

        var matching = filtered.ToList();
        var items = matching.Skip((page.Number - 1) * page.Size).Take(page.Size).Select(a => Summary(a, now)).ToList();
        return TypedResults.Ok(new Paged<AssetSummary>(items, page.Number, page.Size, matching.Count));
    }

    private static async Task<Results<Ok<AssetDetail>, ProblemHttpResult>> Get(Guid tenantId, Guid assetId, TenantraDbContext db, TimeProvider clock)
    {
        var asset = await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId);
        if (asset is null)
        {
            return Problems.NotFound("Asset");
        }

        var categories = await db.AssetStates.Where(s => s.TenantId == tenantId && s.AssetId == assetId)
            .Select(s => new AssetCategoryState(s.Category, s.SnapshotId, s.CollectedAt, s.EntryCount, s.ContentHash))
            .ToListAsync();
        return TypedResults.Ok(new AssetDetail(Summary(asset, clock.GetUtcNow()), asset.UptimeSeconds, asset.KeySetAt, [.. categories.OrderBy(c => c.Category, StringComparer.Ordinal)]));
    }

    private static async Task<Results<Ok<Paged<SnapshotEntry>>, ProblemHttpResult>> State(
        Guid tenantId, Guid assetId, string category, [AsParameters] PageRequest page, string? kind, TenantraDbContext db)
    {
        if (!SnapshotCategories.IsKnown(category))
        {
            return Problems.NotFound("Category");
        }

        if (!await db.Assets.AnyAsync(a => a.TenantId == tenantId && a.Id == assetId))
        {
            return Problems.NotFound("Asset");
        }

        var json = await db.AssetStates.Where(s => s.TenantId == tenantId && s.AssetId == assetId && s.Category == category).Select(s => s.EntriesJson).SingleOrDefaultAsync();
        IEnumerable<SnapshotEntry> entries = json is null ? [] : JsonSerializer.Deserialize(json, AgentJsonContext.Default.IReadOnlyListSnapshotEntry) ?? [];
        if (kind is not null)
        {
            entries = entries.Where(e => e.Kind == kind);
        }

        if (page.Search is { } search)
        {
            entries = entries.Where(e => e.Key.Contains(search, StringComparison.OrdinalIgnoreCase)
                || e.Fields.Values.Any(v => v?.Contains(search, StringComparison.OrdinalIgnoreCase) == true));
        }

        var ordered = entries.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new Paged<SnapshotEntry>([.. ordered.Skip((page.Number - 1) * page.Size).Take(page.Size)], page.Number, page.Size, ordered.Count));
    }

    private static async Task<Results<Ok<AssetSummary>, ProblemHttpResult, ValidationProblem>> Update(
        Guid tenantId, Guid assetId, UpdateAssetRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var asset = await db.Assets.AsTracking().SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId);
        if (asset is null)
        {
            return Problems.NotFound("Asset");
        }

        if (request.GroupId is { } groupId && !await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Id == groupId))
        {
            return Problems.Field("groupId", "is not an asset group of this tenant.");
        }

        var before = new { asset.Tags, asset.GroupId };
        if (request.Tags is not null)
        {
            asset.Tags = [.. request.Tags.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
        }

        if (request.ClearGroup == true)
        {
            asset.GroupId = null;
        }
        else if (request.GroupId is not null)
        {
            asset.GroupId = request.GroupId;
        }

        await audit.StageAsync(tenantId, new AuditEvent("asset.updated", "asset", asset.Id, before, new { asset.Tags, asset.GroupId }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(Summary(asset, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<AssetSummary>, ProblemHttpResult>> Revoke(Guid tenantId, Guid assetId, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var asset = await db.Assets.AsTracking().SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId);
        if (asset is null)
        {
            return Problems.NotFound("Asset");
        }

        if (asset.RevokedAt is null)
        {
            asset.RevokedAt = clock.GetUtcNow();
            await audit.StageAsync(tenantId, new AuditEvent("asset.revoked", "asset", asset.Id, After: new { asset.Hostname }));
            await db.SaveChangesAsync();
        }

        return TypedResults.Ok(Summary(asset, clock.GetUtcNow()));
    }

    private static async Task<Ok<List<AssetGroupResponse>>> ListGroups(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok(await db.AssetGroups.Where(g => g.TenantId == tenantId).OrderBy(g => g.Name)
            .Select(g => new AssetGroupResponse(g.Id, g.Name, db.Assets.Count(a => a.TenantId == tenantId && a.GroupId == g.Id)))
            .ToListAsync());

    private static async Task<Results<Created<AssetGroupResponse>, ValidationProblem>> CreateGroup(
        Guid tenantId, CreateAssetGroupRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var name = request.Name!.Trim();
        if (await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Name == name))
        {
            return Problems.Field("name", "is already the name of a group here.");
        }

        var group = new AssetGroup { TenantId = tenantId, Name = name, CreatedAt = clock.GetUtcNow() };
        db.AssetGroups.Add(group);
        await audit.StageAsync(tenantId, new AuditEvent("asset-group.created", "asset-group", group.Id, After: new { group.Name }));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/asset-groups/{group.Id}", new AssetGroupResponse(group.Id, group.Name, 0));
    }

    private static async Task<Results<Ok<CollectionPolicyResponse>, ValidationProblem>> GetPolicy(Guid tenantId, Guid? groupId, TenantraDbContext db)
    {
        if (groupId is not null && !await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Id == groupId))
        {
            return Problems.Field("groupId", "is not an asset group of this tenant.");
        }

        var rows = await db.CollectionIntervals.Where(c => c.TenantId == tenantId && (c.GroupId == null || c.GroupId == groupId)).ToListAsync();
        var intervals = new Dictionary<string, int>(CollectionInterval.Defaults);
        foreach (var row in rows.OrderBy(r => r.GroupId is null ? 0 : 1))
        {
            intervals[row.Category] = row.Seconds;
        }

        return TypedResults.Ok(new CollectionPolicyResponse(groupId, intervals));
    }

    private static async Task<Results<Ok<CollectionPolicyResponse>, ValidationProblem>> SetPolicy(
        Guid tenantId, SetCollectionPolicyRequest request, TenantraDbContext db, AuditWriter audit)
    {
        if (request.GroupId is { } groupId && !await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Id == groupId))
        {
            return Problems.Field("groupId", "is not an asset group of this tenant.");
        }

        var existing = await db.CollectionIntervals.AsTracking().Where(c => c.TenantId == tenantId && c.GroupId == request.GroupId).ToListAsync();
        foreach (var (category, seconds) in request.IntervalSeconds!)
        {
            var row = existing.FirstOrDefault(r => r.Category == category);
            if (row is null)
            {
                db.CollectionIntervals.Add(new CollectionInterval { TenantId = tenantId, GroupId = request.GroupId, Category = category, Seconds = seconds });
            }
            else
            {
                row.Seconds = seconds;
            }
        }

        await audit.StageAsync(tenantId, new AuditEvent("collection-policy.set", "collection-policy", request.GroupId?.ToString() ?? "tenant", After: request.IntervalSeconds));
        await db.SaveChangesAsync();
        return await GetPolicy(tenantId, request.GroupId, db);
    }
}
