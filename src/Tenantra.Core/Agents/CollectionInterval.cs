using Tenantra.Agent.Contracts;

namespace Tenantra.Core.Agents;

/// <summary>
/// How often assets collect one category: for the whole tenant (<see cref="GroupId"/> null) or for
/// one asset group, which wins over the tenant's value. Categories without a row use the defaults.
/// </summary>
public sealed class CollectionInterval : ITenantScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public Guid? GroupId { get; init; }
    public required string Category { get; init; }
    public int Seconds { get; set; }

    public const int MinSeconds = 60;
    public const int MaxSeconds = 7 * 24 * 3600;

    /// <summary>Sensible defaults: fast-changing state often, configuration less often.</summary>
    public static IReadOnlyDictionary<string, int> Defaults => SnapshotCategories.DefaultIntervalSeconds;
}
