namespace Tenantra.Core.Agents;

/// <summary>A named set of assets in a tenant: collection policy, and later golden baselines, apply per group.</summary>
public sealed class AssetGroup : ITenantScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
