using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Integrity;
using Tenantra.Data;

namespace Tenantra.Server.Integrity;

/// <summary>
/// Reads and changes baselines: an asset's own, or the golden one it follows (its group's, else the
/// tenant's) with the asset's overrides on top. Changes are staged in the caller's context.
/// </summary>
public sealed class BaselineStore(TenantraDbContext db)
{
    public static List<SnapshotEntry> Parse(string json) =>
        [.. JsonSerializer.Deserialize(json, AgentJsonContext.Default.IReadOnlyListSnapshotEntry) ?? []];

    /// <summary>Entries stored in canonical order, as ingestion stores states, so the drift diff walks the two in step.</summary>
    public static string Serialize(IReadOnlyList<SnapshotEntry> entries) =>
        JsonSerializer.Serialize(SnapshotContent.InCanonicalOrder(entries), AgentJsonContext.Default.IReadOnlyListSnapshotEntry);

    public Task<IntegrityBaseline?> FindAsync(Guid tenantId, Guid assetId, string category, CancellationToken cancellationToken = default) =>
        db.IntegrityBaselines.AsTracking()
            .SingleOrDefaultAsync(b => b.TenantId == tenantId && b.Scope == IntegrityBaseline.AssetScope(assetId) && b.Category == category, cancellationToken);

    /// <summary>The asset's baseline of the category (tracked), or a new empty one staged for it.</summary>
    public async Task<IntegrityBaseline> FindOrAddAsync(Guid tenantId, Guid assetId, string category, CancellationToken cancellationToken = default) =>
        await FindAsync(tenantId, assetId, category, cancellationToken) ?? Add(tenantId, assetId, category);

    /// <summary>Stages a new, empty baseline for the asset's category (revision 0: the change that fills it counts one).</summary>
    public IntegrityBaseline Add(Guid tenantId, Guid assetId, string category) =>
        db.IntegrityBaselines.Add(new IntegrityBaseline
        {
            TenantId = tenantId,
            Scope = IntegrityBaseline.AssetScope(assetId),
            AssetId = assetId,
            Category = category,
            EntriesJson = "[]",
            Revision = 0,
        }).Entity;

    /// <summary>The golden baseline an asset of <paramref name="groupId"/> follows: its group's, else the tenant's.</summary>
    public async Task<IntegrityBaseline?> GoldenForAsync(Guid tenantId, Guid? groupId, string category, CancellationToken cancellationToken = default)
    {
        var scopes = groupId is null ? [IntegrityBaseline.GoldenScope(null)] : new[] { IntegrityBaseline.GoldenScope(groupId), IntegrityBaseline.GoldenScope(null) };
        var golden = await db.IntegrityBaselines.Where(b => b.TenantId == tenantId && b.Category == category && scopes.Contains(b.Scope)).ToListAsync(cancellationToken);
        return golden.OrderBy(b => b.GroupId is null).FirstOrDefault();
    }

    /// <summary>
    /// Stages the asset's first baseline of a category: the golden baseline of its group (else the
    /// tenant's) when there is one, which it then follows; otherwise the given snapshot's entries.
    /// </summary>
    public async Task<IntegrityBaseline> AddFirstAsync(
        Asset asset, string category, Guid snapshotId, string entriesJson, int entryCount, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var golden = await GoldenForAsync(asset.TenantId, asset.GroupId, category, cancellationToken);
        var baseline = Add(asset.TenantId, asset.Id, category);
        if (golden is null)
        {
            baseline.Keep(entriesJson, entryCount, BaselineOrigin.FirstSnapshot, snapshotId);
        }
        else
        {
            baseline.FollowGolden();
        }

        baseline.Revision = 1;
        baseline.UpdatedAt = now;
        return baseline;
    }

    /// <summary>The entries the asset is expected to have, or null when it has no baseline yet.</summary>
    public async Task<List<SnapshotEntry>?> EffectiveAsync(Asset asset, IntegrityBaseline? own, CancellationToken cancellationToken = default)
    {
        if (own is null)
        {
            return null;
        }

        if (!own.FollowsGolden)
        {
            return Parse(own.EntriesJson);
        }

        var golden = await GoldenForAsync(asset.TenantId, asset.GroupId, own.Category, cancellationToken);
        return Merge(golden is null ? [] : Parse(golden.EntriesJson), Parse(own.EntriesJson), Excluded(own));
    }

    /// <summary>Golden entries without the excluded ones, overridden and extended by the asset's own.</summary>
    public static List<SnapshotEntry> Merge(IReadOnlyList<SnapshotEntry> golden, IReadOnlyList<SnapshotEntry> overrides, IReadOnlySet<(string Kind, string Key)> excluded)
    {
        var replaced = overrides.Select(e => (e.Kind, e.Key)).ToHashSet();
        return [.. SnapshotContent.InCanonicalOrder([.. golden.Where(e => !excluded.Contains((e.Kind, e.Key)) && !replaced.Contains((e.Kind, e.Key))), .. overrides])];
    }

    public static HashSet<(string Kind, string Key)> Excluded(IntegrityBaseline baseline) =>
        (JsonSerializer.Deserialize<string[][]>(baseline.ExcludedJson) ?? []).Where(p => p.Length == 2).Select(p => (p[0], p[1])).ToHashSet();

    /// <summary>
    /// Folds approved changes into the asset's baseline: each entry as it is now replaces or joins the
    /// baseline, or leaves it when it was removed (null fields). A follower of a golden baseline records
    /// them as overrides. One revision for all of them.
    /// </summary>
    public static void Fold(IntegrityBaseline baseline, IReadOnlyCollection<(string Kind, string Key, IReadOnlyDictionary<string, string?>? After)> changes)
    {
        var changed = changes.Select(c => (c.Kind, c.Key)).ToHashSet();
        var entries = Parse(baseline.EntriesJson);
        entries.RemoveAll(e => changed.Contains((e.Kind, e.Key)));
        entries.AddRange(changes.Where(c => c.After is not null).Select(c => new SnapshotEntry(c.Kind, c.Key, c.After!)));
        if (baseline.FollowsGolden)
        {
            var excluded = Excluded(baseline);
            foreach (var (kind, key, after) in changes)
            {
                if (after is null)
                {
                    excluded.Add((kind, key));
                }
                else
                {
                    excluded.Remove((kind, key));
                }
            }

            baseline.ExcludedJson = JsonSerializer.Serialize(excluded.Select(p => new[] { p.Kind, p.Key }));
        }

        baseline.EntriesJson = Serialize(entries);
        baseline.EntryCount = entries.Count;
        baseline.Origin = baseline.FollowsGolden ? BaselineOrigin.Golden : BaselineOrigin.Approved;
        baseline.Revision++;
    }
}
