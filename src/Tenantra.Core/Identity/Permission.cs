namespace Tenantra.Core.Identity;

/// <summary>
/// What an endpoint requires in the tenant of its route. API token scopes use the names from
/// <see cref="Permissions.ScopeName"/>. New features add their permissions here and to
/// <see cref="Permissions.ForRole"/>.
/// </summary>
public enum Permission
{
    TenantRead,
    TenantManage,

    /// <summary>Suspend, resume, delete and restore; granted only through a parent tenant (MSP or platform).</summary>
    TenantLifecycle,
    CustomersManage,
    MspsManage,
    UsersRead,
    UsersManage,
    TokensManage,
    AuditRead,
    BillingRead,
    SystemRead,

    /// <summary>See assets, their current state and history.</summary>
    AssetsRead,

    /// <summary>Enrollment tokens, revoking agents, asset groups, tags and collection policy.</summary>
    AgentsManage,

    /// <summary>Triage integrity events: acknowledge, assign, comment, resolve, and approve drift into the baseline.</summary>
    IntegrityTriage,

    /// <summary>Pin and golden baselines, suppressions and severity rules.</summary>
    IntegrityManage,

    /// <summary>The tenant's audit detection settings.</summary>
    AuditManage,
}

public static class Permissions
{
    private static readonly Dictionary<Role, Permission[]> s_byRole = new()
    {
        [Role.Admin] =
        [
            Permission.TenantRead, Permission.TenantManage, Permission.CustomersManage, Permission.UsersRead,
            Permission.UsersManage, Permission.TokensManage, Permission.AuditRead, Permission.BillingRead,
            Permission.AssetsRead, Permission.AgentsManage, Permission.IntegrityTriage, Permission.IntegrityManage, Permission.AuditManage,
        ],
        [Role.Analyst] = [Permission.TenantRead, Permission.UsersRead, Permission.TokensManage, Permission.AssetsRead, Permission.IntegrityTriage],
        [Role.Viewer] = [Permission.TenantRead, Permission.AssetsRead],
        [Role.Auditor] = [Permission.TenantRead, Permission.UsersRead, Permission.AuditRead, Permission.AssetsRead],
        [Role.Billing] = [Permission.TenantRead, Permission.BillingRead],
    };

    private static readonly Dictionary<Permission, string> s_scopeNames = Enum.GetValues<Permission>()
        .ToDictionary(p => p, p => string.Concat(p.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? ":" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));

    /// <summary>Permissions a role grants in a tenant where the member holds it directly.</summary>
    public static IReadOnlyList<Permission> ForRole(Role role) => s_byRole[role];

    /// <summary>Token scope name of a permission, e.g. <c>users:manage</c>.</summary>
    public static string ScopeName(Permission permission) => s_scopeNames[permission];

    public static bool TryParseScope(string scope, out Permission permission)
    {
        foreach (var (candidate, name) in s_scopeNames)
        {
            if (name == scope)
            {
                permission = candidate;
                return true;
            }
        }

        permission = default;
        return false;
    }

    public static IEnumerable<string> AllScopeNames => s_scopeNames.Values;
}
