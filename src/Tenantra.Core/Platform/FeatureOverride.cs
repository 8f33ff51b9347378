namespace Tenantra.Core.Platform;

/// <summary>A tenant's override of a feature flag's default from <see cref="FeatureCatalog"/>.</summary>
public sealed class FeatureOverride : ITenantScoped
{
    public Guid TenantId { get; init; }
    public required string FeatureKey { get; init; }
    public bool Enabled { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
