using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Identity;

namespace Tenantra.Server.Tenancy;

/// <summary>
/// Resolves the caller's <see cref="TenantAccess"/> to a tenant from the directory (tenant,
/// ancestors, memberships), once per request and tenant. A token reaches only the tenant it was
/// issued in and that tenant's descendants (an MSP token reaches the MSP's customers), with its
/// owner's access there, limited to the token's scopes.
/// </summary>
public sealed class TenantAccessService(TenantraDbContext db, Caller caller)
{
    // Compiled once: these run on every tenant-scoped request.
    private static readonly Func<TenantraDbContext, Guid, IAsyncEnumerable<Tenant>> s_tenantWithAncestors = EF.CompileAsyncQuery(
        (TenantraDbContext db, Guid tenantId) => db.Tenants.AsNoTracking().Where(t =>
            t.Id == tenantId
            || db.Tenants.Where(c => c.Id == tenantId).Select(c => c.ParentId).Contains(t.Id)
            || db.Tenants.Where(p => db.Tenants.Where(c => c.Id == tenantId).Select(c => c.ParentId).Contains(p.Id)).Select(p => p.ParentId).Contains(t.Id)));

    private static readonly Func<TenantraDbContext, Guid, IAsyncEnumerable<Membership>> s_membershipsOf = EF.CompileAsyncQuery(
        (TenantraDbContext db, Guid userId) => db.Memberships.AsNoTracking().Include(m => m.Customers).Where(m => m.UserId == userId));

    private readonly Dictionary<Guid, TenantAccess> _resolved = [];
    private List<Membership>? _memberships;

    public async Task<TenantAccess> GetAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        if (_resolved.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var access = await ResolveAsync(tenantId, cancellationToken);
        _resolved[tenantId] = access;
        return access;
    }

    /// <summary>Platform-wide permissions (platform admin, platform auditor) of a signed-in user.</summary>
    public async Task<IReadOnlySet<Permission>> GetPlatformAsync(CancellationToken cancellationToken = default)
    {
        if (!caller.IsAuthenticated)
        {
            return new HashSet<Permission>();
        }

        var platformId = Tenant.PlatformId;
        if (caller.TokenTenantId is { } tokenTenant && tokenTenant != platformId)
        {
            return new HashSet<Permission>();
        }

        var memberships = await MembershipsAsync(cancellationToken);
        var permissions = TenantAccess.Platform(platformId, memberships);
        return caller.IsToken ? Scoped(permissions) : permissions;
    }

    private async Task<TenantAccess> ResolveAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (!caller.IsAuthenticated)
        {
            return TenantAccess.None(tenantId);
        }

        // The tenant and its ancestors (the hierarchy is at most three deep) in one query.
        var chain = await s_tenantWithAncestors(db, tenantId).ToListAsync(cancellationToken);
        var target = chain.SingleOrDefault(t => t.Id == tenantId);
        if (target is null)
        {
            return TenantAccess.None(tenantId);
        }

        var ancestors = new List<Tenant>(2);
        for (var parentId = target.ParentId; parentId is not null;)
        {
            var parent = chain.Single(t => t.Id == parentId);
            ancestors.Add(parent);
            parentId = parent.ParentId;
        }

        if (caller.TokenTenantId is { } tokenTenant && tokenTenant != tenantId && ancestors.All(a => a.Id != tokenTenant))
        {
            return TenantAccess.None(tenantId);
        }

        var memberships = await MembershipsAsync(cancellationToken);
        var access = TenantAccess.Resolve(target, ancestors, memberships);
        return caller.IsToken ? access with { Permissions = Scoped(access.Permissions) } : access;
    }

    private async Task<List<Membership>> MembershipsAsync(CancellationToken cancellationToken)
    {
        if (_memberships is not null)
        {
            return _memberships;
        }

        _memberships = await s_membershipsOf(db, caller.UserId).ToListAsync(cancellationToken);
        return _memberships;
    }

    private HashSet<Permission> Scoped(IReadOnlySet<Permission> permissions)
    {
        var scopes = caller.TokenScopes;
        return permissions.Where(p => scopes.Contains(Permissions.ScopeName(p))).ToHashSet();
    }
}
