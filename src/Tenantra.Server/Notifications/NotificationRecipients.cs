using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;

namespace Tenantra.Server.Notifications;

/// <summary>A person who can be notified about a tenant.</summary>
public sealed record NotificationRecipient(Guid UserId, string Email, string DisplayName);

/// <summary>
/// Who hears about a tenant's events: its own members, and for a customer the members of its MSP
/// whose membership reaches it (all customers, or this one among the selected). Platform staff are
/// not told about every customer; disabled accounts are left out.
/// </summary>
public static class NotificationRecipients
{
    public static async Task<IReadOnlyList<NotificationRecipient>> OfAsync(TenantraDbContext db, Tenant tenant, CancellationToken cancellationToken)
    {
        var parentId = tenant.Kind == TenantKind.Customer && await db.Tenants.AnyAsync(p => p.Id == tenant.ParentId && p.Kind == TenantKind.Msp, cancellationToken)
            ? tenant.ParentId
            : null;
        var userIds = db.Memberships
            .Where(m => m.TenantId == tenant.Id
                || (m.TenantId == parentId && (m.CustomerScope == CustomerScope.AllCustomers || m.Customers.Any(c => c.CustomerTenantId == tenant.Id))))
            .Select(m => m.UserId);
        return await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id) && !u.Disabled)
            .OrderBy(u => u.Id)
            .Select(u => new NotificationRecipient(u.Id, u.Email, u.DisplayName))
            .ToListAsync(cancellationToken);
    }
}
