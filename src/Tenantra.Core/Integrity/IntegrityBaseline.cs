namespace Tenantra.Core.Integrity;

/// <summary>How a baseline got its entries; shown beside it so nobody wonders where it came from.</summary>
public enum BaselineOrigin
{
    /// <summary>The asset's first snapshot of the category.</summary>
    FirstSnapshot = 0,

    /// <summary>Someone pinned a snapshot as the baseline.</summary>
    Pinned = 1,

    /// <summary>Approved drift was folded in.</summary>
    Approved = 2,

    /// <summary>The asset follows a golden baseline (its entries are the asset's overrides).</summary>
    Golden = 3,

    /// <summary>A golden baseline made from an asset's snapshot.</summary>
    Template = 4,
}

/// <summary>
/// What a category of an asset is expected to look like, or a golden baseline for a group or the
/// whole tenant that assets follow. An asset row that <see cref="FollowsGolden"/> holds only its
/// overrides: entries that replace or add to the golden ones, and golden entries it does not have
/// (<see cref="ExcludedJson"/>). Baselines change only by someone's audited action; an agent
/// reinstalling enrols the same asset and keeps them.
/// </summary>
public sealed class IntegrityBaseline : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary><c>asset:{id}</c>, <c>group:{id}</c> or <c>tenant</c>: one baseline per scope and category.</summary>
    public required string Scope { get; init; }
    public Guid? AssetId { get; init; }
    public Guid? GroupId { get; init; }
    public required string Category { get; init; }
    public bool FollowsGolden { get; set; }
    public BaselineOrigin Origin { get; set; }

    /// <summary>JSON array of snapshot entries (the whole baseline, or an asset's overrides of its golden baseline).</summary>
    public required string EntriesJson { get; set; }

    /// <summary>JSON array of <c>[kind, key]</c> pairs of golden entries the asset is not expected to have.</summary>
    public string ExcludedJson { get; set; } = "[]";
    public int EntryCount { get; set; }
    public Guid? SourceSnapshotId { get; set; }
    public int Revision { get; set; } = 1;
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
    public string? Comment { get; set; }

    public bool IsGolden => AssetId is null;

    /// <summary>Makes this asset baseline follow the golden one of its group or tenant, with no overrides yet.</summary>
    public void FollowGolden()
    {
        FollowsGolden = true;
        EntriesJson = "[]";
        ExcludedJson = "[]";
        EntryCount = 0;
        SourceSnapshotId = null;
        Origin = BaselineOrigin.Golden;
    }

    /// <summary>Makes <paramref name="entriesJson"/> the whole of this baseline (no longer following a golden one).</summary>
    public void Keep(string entriesJson, int entryCount, BaselineOrigin origin, Guid? sourceSnapshotId)
    {
        FollowsGolden = false;
        EntriesJson = entriesJson;
        ExcludedJson = "[]";
        EntryCount = entryCount;
        Origin = origin;
        SourceSnapshotId = sourceSnapshotId;
    }

    public static string AssetScope(Guid assetId) => $"asset:{assetId:N}";

    public static string GoldenScope(Guid? groupId) => groupId is { } id ? $"group:{id:N}" : "tenant";
}
