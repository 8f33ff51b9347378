using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Identity;

/// <summary>
/// Who holds which role in a tenant. On an MSP tenant a membership reaches all customers, or
/// only the listed ones (an MSP technician limited to chosen customers).
/// </summary>
public static class MembershipEndpoints
{
    public static void MapMembershipEndpoints(this IEndpointRouteBuilder routes)
    {
        var memberships = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/memberships").WithTags("Users");
        memberships.MapGet("/", List).RequireTenant(Permission.UsersRead)
            .WithName("ListMemberships").WithSummary("Role assignments in the tenant")
            .WithDescription("Paged; `q` searches the member's email, `role` filters. Sort: `email` (default), `role`, `createdAt`.");
        memberships.MapPost("/", Create).RequireTenant(Permission.UsersManage).Validates<CreateMembershipRequest>()
            .WithName("CreateMembership").WithSummary("Give an account of this organisation a role in the tenant")
            .WithDescription("On an MSP tenant, `customerScope` is AllCustomers (default) or SelectedCustomers with `customerIds` of this MSP's customers. Accounts of this tenant, its MSP or (for an MSP) its customers can be added directly; anyone else gets an invitation.");
        memberships.MapPatch("/{membershipId:guid}", Update).RequireTenant(Permission.UsersManage).Validates<UpdateMembershipRequest>()
            .WithName("UpdateMembership").WithSummary("Change a membership's role or customer reach");
        memberships.MapDelete("/{membershipId:guid}", Delete).RequireTenant(Permission.UsersManage)
            .WithName("DeleteMembership").WithSummary("Remove a role from a member")
            .WithDescription("The last admin of a tenant cannot be removed.");
    }

    private static IQueryable<MembershipResponse> Responses(TenantraDbContext db, IQueryable<Membership> memberships) =>
        memberships
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MembershipResponse(
                m.Id, m.TenantId, m.UserId, u.Email, u.DisplayName, m.Role, m.CustomerScope,
                m.Customers.Select(c => c.CustomerTenantId).ToList(), m.CreatedAt));

    private static async Task<Ok<Paged<MembershipResponse>>> List(Guid tenantId, [AsParameters] PageRequest page, EnumFilter<Role>? role, TenantraDbContext db)
    {
        var wanted = role?.Value;
        var query = db.Memberships.Where(m => m.TenantId == tenantId && (wanted == null || m.Role == wanted));
        if (page.Search is { } search)
        {
            var needle = search.ToUpperInvariant();
            query = query.Where(m => db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail.Contains(needle)));
        }

        var sortKeys = new SortKeys<Membership>("email", m => m.Id, new Dictionary<string, Expression<Func<Membership, object?>>>
        {
            ["email"] = m => db.Users.Where(u => u.Id == m.UserId).Select(u => u.NormalizedEmail).Single(),
            ["role"] = m => m.Role,
            ["createdAt"] = m => m.CreatedAt,
        });
        var ordered = sortKeys.Apply(query, page.Sort);
        return TypedResults.Ok(await Responses(db, ordered).ToPageAsync(page));
    }

    private static async Task<Results<Created<MembershipResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateMembershipRequest request, TenantraDbContext db, UserManager<User> users, AuditWriter audit, TimeProvider clock)
    {
        var user = await users.FindByEmailAsync(request.Email!.Trim());
        if (user is null || !await IsOwnOrganisationAsync(db, tenantId, user.HomeTenantId))
        {
            // Accounts of other organisations join by invitation, which they accept while signed in.
            return Problems.Field("email", "is not an account of this organisation; send an invitation instead.");
        }

        if (await db.Memberships.AnyAsync(m => m.TenantId == tenantId && m.UserId == user.Id && m.Role == request.Role))
        {
            return Problems.Field("role", "is already held by this user here.");
        }

        var membership = new Membership { TenantId = tenantId, UserId = user.Id, Role = request.Role!.Value, CreatedAt = clock.GetUtcNow() };
        if (await ApplyScopeAsync(membership, tenantId, request.CustomerScope, request.CustomerIds, db) is { } problem)
        {
            return problem;
        }

        db.Memberships.Add(membership);
        await audit.StageAsync(tenantId, new AuditEvent("membership.created", "membership", membership.Id,
            After: new { membership.UserId, user.Email, membership.Role, membership.CustomerScope, CustomerIds = membership.Customers.Select(c => c.CustomerTenantId) }));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/memberships/{membership.Id}", await Responses(db, db.Memberships.Where(m => m.Id == membership.Id)).SingleAsync());
    }

    private static Task<Results<Ok<MembershipResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid tenantId, Guid membershipId, UpdateMembershipRequest request, TenantraDbContext db, AuditWriter audit) =>
        db.InTransactionAsync<Results<Ok<MembershipResponse>, ValidationProblem, ProblemHttpResult>>(async () =>
        {
            var membership = await db.Memberships.AsTracking().Include(m => m.Customers).SingleOrDefaultAsync(m => m.Id == membershipId && m.TenantId == tenantId);
            if (membership is null)
            {
                return Problems.NotFound("Membership");
            }

            var before = await Responses(db, db.Memberships.Where(m => m.Id == membershipId)).SingleAsync();
            if (request.Role is { } role && role != membership.Role)
            {
                if (membership.Role == Role.Admin && await IsLastAdminAsync(db, membership))
                {
                    return Problems.Conflict("This is the tenant's last admin; make someone else admin first.");
                }

                membership.Role = role;
            }

            if (request.CustomerScope is not null && await ApplyScopeAsync(membership, tenantId, request.CustomerScope, request.CustomerIds, db) is { } problem)
            {
                return problem;
            }

            var after = before with { Role = membership.Role, CustomerScope = membership.CustomerScope, CustomerIds = [.. membership.Customers.Select(c => c.CustomerTenantId)] };
            await audit.StageAsync(tenantId, new AuditEvent("membership.updated", "membership", membershipId, before, after));
            await db.SaveChangesAsync();
            return TypedResults.Ok(after);
        });

    private static Task<Results<NoContent, ProblemHttpResult>> Delete(Guid tenantId, Guid membershipId, TenantraDbContext db, AuditWriter audit) =>
        db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async () =>
        {
            var membership = await db.Memberships.AsTracking().SingleOrDefaultAsync(m => m.Id == membershipId && m.TenantId == tenantId);
            if (membership is null)
            {
                return Problems.NotFound("Membership");
            }

            if (membership.Role == Role.Admin && await IsLastAdminAsync(db, membership))
            {
                return Problems.Conflict("This is the tenant's last admin; make someone else admin first.");
            }

            var before = await Responses(db, db.Memberships.Where(m => m.Id == membershipId)).SingleAsync();
            db.Memberships.Remove(membership);
            await audit.StageAsync(tenantId, new AuditEvent("membership.deleted", "membership", membershipId, before));
            await db.SaveChangesAsync();
            return TypedResults.NoContent();
        });

    /// <summary>
    /// Whether an account (by its home tenant) belongs to the organisation of <paramref name="tenantId"/>:
    /// the tenant itself, its MSP, or for an MSP one of its customers. The platform reaches everyone.
    /// </summary>
    private static async Task<bool> IsOwnOrganisationAsync(TenantraDbContext db, Guid tenantId, Guid homeTenantId) =>
        tenantId == Tenant.PlatformId || homeTenantId == tenantId
        || await db.Tenants.AnyAsync(t => (t.Id == tenantId && t.ParentId == homeTenantId) || (t.Id == homeTenantId && t.ParentId == tenantId));

    /// <summary>
    /// Whether <paramref name="membership"/> is its tenant's last admin. Call inside a transaction: the
    /// no-op update locks the tenant row until commit, so two admins removing each other take turns.
    /// </summary>
    private static async Task<bool> IsLastAdminAsync(TenantraDbContext db, Membership membership)
    {
        await db.Tenants.Where(t => t.Id == membership.TenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, t => t.Name));
        return await db.Memberships.AllAsync(m => m.TenantId != membership.TenantId || m.Role != Role.Admin || m.Id == membership.Id);
    }

    /// <summary>Sets the customer reach; listed customers must be this MSP's own, so no foreign tenant id can be attached.</summary>
    private static async Task<ValidationProblem?> ApplyScopeAsync(Membership membership, Guid tenantId, CustomerScope? scope, IReadOnlyList<Guid>? customerIds, TenantraDbContext db)
    {
        var isMsp = await db.Tenants.AnyAsync(t => t.Id == tenantId && t.Kind == TenantKind.Msp);
        if (!isMsp)
        {
            return scope is null or CustomerScope.AllCustomers && customerIds is not { Count: > 0 }
                ? null
                : Problems.Field("customerScope", "applies only to memberships on an MSP tenant.");
        }

        var ids = (customerIds ?? []).Distinct().ToList();
        var owned = await db.Tenants.Where(t => t.ParentId == tenantId && ids.Contains(t.Id)).Select(t => t.Id).ToListAsync();
        if (owned.Count != ids.Count)
        {
            return Problems.Field("customerIds", "must list only customers of this MSP.");
        }

        membership.CustomerScope = scope ?? CustomerScope.AllCustomers;
        membership.Customers.Clear();
        membership.Customers.AddRange(owned.Select(id => new MembershipCustomer { MembershipId = membership.Id, CustomerTenantId = id }));
        return null;
    }
}
