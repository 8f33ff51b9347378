using Tenantra.Core.Identity;

namespace Tenantra.Core.Tenancy;

/// <summary>What one caller may do in one tenant, and on whose behalf.</summary>
public sealed record TenantAccess(Guid TenantId, IReadOnlySet<Role> Roles, IReadOnlySet<Permission> Permissions, Guid? OnBehalfOfTenantId)
{
    private static readonly Permission[] s_mspAdministration = [Permission.UsersManage, Permission.CustomersManage, Permission.TenantManage];

    private static readonly Permission[] s_dormantTenantAdministration = [Permission.TenantRead, Permission.TenantLifecycle];

    public static TenantAccess None(Guid tenantId) => new(tenantId, new HashSet<Role>(), new HashSet<Permission>(), null);

    public bool Has(Permission permission) => Permissions.Contains(permission);

    public bool IsMember => Roles.Count > 0;

    /// <summary>
    /// Resolves access to <paramref name="target"/> from the caller's memberships.
    /// <list type="bullet">
    /// <item>Direct memberships count while the tenant and its ancestors are active.</item>
    /// <item>Memberships on the parent MSP count for customers in their <see cref="CustomerScope"/>, while the MSP is active.</item>
    /// <item>Memberships on the platform tenant count everywhere.</item>
    /// <item>Only inherited admin grants <see cref="Permission.TenantLifecycle"/>. A suspended or deleted tenant is
    /// reachable only by its ancestors' admins, to read it and resume or restore it.</item>
    /// <item>A membership on an MSP limited to selected customers does not administer the MSP itself
    /// (no user, customer or MSP management), so it cannot widen its own reach.</item>
    /// </list>
    /// </summary>
    /// <param name="target">The tenant asked about.</param>
    /// <param name="ancestors">Its parent and the parent's parent, nearest first.</param>
    /// <param name="memberships">The caller's memberships (customer lists loaded).</param>
    public static TenantAccess Resolve(Tenant target, IReadOnlyList<Tenant> ancestors, IEnumerable<Membership> memberships)
    {
        var roles = new HashSet<Role>();
        var permissions = new HashSet<Permission>();
        var nearestGrantingAncestor = int.MaxValue;
        var chainActive = target.IsUsable && ancestors.All(a => a.IsUsable);
        var targetVisible = target.Status != TenantStatus.Purged;

        foreach (var membership in memberships)
        {
            if (membership.TenantId == target.Id)
            {
                if (chainActive)
                {
                    var limited = target.Kind == TenantKind.Msp && membership.CustomerScope == CustomerScope.SelectedCustomers;
                    Grant(membership.Role, inherited: false, withheld: limited ? s_mspAdministration : []);
                }

                continue;
            }

            var ancestorIndex = IndexOf(ancestors, membership.TenantId);
            if (ancestorIndex < 0 || !targetVisible)
            {
                continue;
            }

            var ancestor = ancestors[ancestorIndex];
            var reaches = ancestor.Kind switch
            {
                TenantKind.Platform => true,
                TenantKind.Msp => ancestor.IsUsable && (membership.CustomerScope == CustomerScope.AllCustomers
                    || membership.Customers.Any(c => c.CustomerTenantId == target.Id)),
                _ => false,
            };
            if (reaches && !target.IsUsable)
            {
                if (membership.Role == Role.Admin)
                {
                    roles.Add(Role.Admin);
                    permissions.UnionWith(s_dormantTenantAdministration);
                    nearestGrantingAncestor = Math.Min(nearestGrantingAncestor, ancestorIndex);
                }
            }
            else if (reaches)
            {
                Grant(membership.Role, inherited: true, withheld: []);
                nearestGrantingAncestor = Math.Min(nearestGrantingAncestor, ancestorIndex);
            }
        }

        Guid? onBehalfOf = nearestGrantingAncestor < ancestors.Count ? ancestors[nearestGrantingAncestor].Id : null;
        return new TenantAccess(target.Id, roles, permissions, onBehalfOf);

        void Grant(Role role, bool inherited, Permission[] withheld)
        {
            roles.Add(role);
            permissions.UnionWith(Identity.Permissions.ForRole(role).Except(withheld));
            if (role == Role.Admin && inherited)
            {
                permissions.Add(Permission.TenantLifecycle);
            }
        }
    }

    /// <summary>Platform-wide permissions from memberships on the platform tenant.</summary>
    public static IReadOnlySet<Permission> Platform(Guid platformTenantId, IEnumerable<Membership> memberships)
    {
        var permissions = new HashSet<Permission>();
        foreach (var membership in memberships.Where(m => m.TenantId == platformTenantId))
        {
            permissions.UnionWith(Identity.Permissions.ForRole(membership.Role));
            permissions.Add(Permission.SystemRead);
            if (membership.Role == Role.Admin)
            {
                permissions.Add(Permission.MspsManage);
            }
        }

        return permissions;
    }

    private static int IndexOf(IReadOnlyList<Tenant> tenants, Guid id)
    {
        for (var i = 0; i < tenants.Count; i++)
        {
            if (tenants[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }
}
