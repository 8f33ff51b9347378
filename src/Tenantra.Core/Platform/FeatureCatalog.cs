using Tenantra.Core.Identity;

namespace Tenantra.Core.Platform;

/// <summary>A console feature: shown when enabled for the tenant and the caller holds its permission.</summary>
public sealed record Feature(string Key, string Title, Permission RequiredPermission, bool EnabledByDefault);

/// <summary>The features Tenantra has. Each new feature adds one line; tenants override the default.</summary>
public static class FeatureCatalog
{
    public static readonly IReadOnlyList<Feature> All =
    [
        new("tenant", "Tenant settings", Permission.TenantRead, true),
        new("assets", "Assets", Permission.AssetsRead, true),
        new("enrollment", "Agent enrollment", Permission.AgentsManage, true),
        new("integrity", "Integrity: baselines and drift", Permission.AssetsRead, true),
        new("customers", "Customers", Permission.CustomersManage, true),
        new("users", "Users and invitations", Permission.UsersRead, true),
        new("api-tokens", "API tokens", Permission.TokensManage, true),
        new("audit", "Audit trail", Permission.AuditRead, true),
        new("exports", "Exports", Permission.TenantRead, true),
        new("notifications", "Notifications and preferences", Permission.TenantRead, true),
        new("notification-endpoints", "Notification endpoints", Permission.TenantManage, true),
        new("notification-ledger", "Notification delivery ledger", Permission.AuditRead, true),
        new("msps", "MSPs", Permission.MspsManage, true),
        new("system", "System status", Permission.SystemRead, true),
    ];

    public static Feature? Find(string key) => All.FirstOrDefault(f => f.Key == key);
}
