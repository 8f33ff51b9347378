namespace Tenantra.Core.Agents;

/// <summary>
/// The current state of one category on one asset: the entries of its latest snapshot as JSON,
/// which the asset page reads and filters. Masked by the agent; see decision 0007 for why the
/// current state is one document per category rather than a row per entry.
/// </summary>
public sealed class AssetState : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid AssetId { get; init; }
    public required string Category { get; init; }
    public Guid SnapshotId { get; set; }
    public DateTimeOffset CollectedAt { get; set; }
    public required string ContentHash { get; set; }

    /// <summary>
    /// Hash of what drift detection compares in this state (its category's policy applied: ignored
    /// kinds and volatile fields left out), or null for a category it does not cover. A new snapshot
    /// with the same value needs no evaluation.
    /// </summary>
    public string? EvaluatedHash { get; set; }
    public int EntryCount { get; set; }
    public required string EntriesJson { get; set; }
}
