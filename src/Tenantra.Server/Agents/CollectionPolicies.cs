using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Data;

namespace Tenantra.Server.Agents;

/// <summary>The collection interval per category for an asset: its group's value, else its tenant's, else the default.</summary>
public sealed class CollectionPolicies(TenantraDbContext db)
{
    public async Task<CollectionPolicy> ForAssetAsync(Asset asset)
    {
        var rows = await db.CollectionIntervals.AsNoTracking()
            .Where(c => c.TenantId == asset.TenantId && (c.GroupId == null || c.GroupId == asset.GroupId))
            .ToListAsync();
        var intervals = new Dictionary<string, int>(CollectionInterval.Defaults);
        foreach (var row in rows.OrderBy(r => r.GroupId is null ? 0 : 1))
        {
            intervals[row.Category] = row.Seconds;
        }

        return new CollectionPolicy(intervals);
    }

    public static bool IsValidInterval(string category, int seconds) =>
        SnapshotCategories.IsKnown(category) && seconds is >= CollectionInterval.MinSeconds and <= CollectionInterval.MaxSeconds;
}
