using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Tenancy;

/// <summary>
/// The hierarchy: platform admins manage MSPs, MSP admins manage their customers, and a
/// tenant's parent suspends, deletes (recoverably for <see cref="TenantLifecycleOptions.DeletionGracePeriod"/>) and restores it.
/// </summary>
public static class TenantEndpoints
{
    public static void MapTenantEndpoints(this IEndpointRouteBuilder routes)
    {
        var msps = routes.MapGroup("/api/v1/msps").WithTags("Tenants");
        msps.MapGet("/", ListMsps).RequirePlatform(Permission.MspsManage)
            .WithName("ListMsps").WithSummary("List MSP tenants (platform admins)")
            .WithDescription("Paged; `q` searches names, `status` filters. Each MSP has its member and customer counts. Sort: `name` (default), `status`, `createdAt`.");
        msps.MapPost("/", CreateMsp).RequirePlatform(Permission.MspsManage).Validates<CreateTenantRequest>()
            .WithName("CreateMsp").WithSummary("Create an MSP tenant (platform admins)");
        msps.MapGet("/{mspId:guid}/customers", ListCustomers).RequireTenant(Permission.TenantRead)
            .WithName("ListCustomers").WithSummary("MSP roll-up: the customers the caller can reach")
            .WithDescription("Members limited to chosen customers see only those. Paged; `q` searches names, `status` filters. Sort: `name` (default), `status`, `createdAt`.");
        msps.MapPost("/{mspId:guid}/customers", CreateCustomer).RequireTenant(Permission.CustomersManage).Validates<CreateTenantRequest>()
            .WithName("CreateCustomer").WithSummary("Create a customer tenant under the MSP");

        var tenants = routes.MapGroup("/api/v1/tenants/{tenantId:guid}").WithTags("Tenants");
        tenants.MapGet("/", GetTenant).RequireTenant(Permission.TenantRead)
            .WithName("GetTenant").WithSummary("A tenant's details");
        tenants.MapPatch("/", UpdateTenant).RequireTenant(Permission.TenantManage).Validates<UpdateTenantRequest>()
            .WithName("UpdateTenant").WithSummary("Rename a tenant or change its time zone");
        tenants.MapPost("/suspend", (Guid tenantId, TenantraDbContext db, AuditWriter audit, TimeProvider clock) =>
                ChangeStatusAsync(tenantId, db, audit, "tenant.suspended", t => t.Status == TenantStatus.Active, t =>
                {
                    t.Status = TenantStatus.Suspended;
                    t.SuspendedAt = clock.GetUtcNow();
                }))
            .RequireTenant(Permission.TenantLifecycle)
            .WithName("SuspendTenant").WithSummary("Suspend a tenant (its parent's admins)")
            .WithDescription("Members of a suspended tenant lose access; data is kept. Resume to restore access.");
        tenants.MapPost("/resume", (Guid tenantId, TenantraDbContext db, AuditWriter audit) =>
                ChangeStatusAsync(tenantId, db, audit, "tenant.resumed", t => t.Status == TenantStatus.Suspended, t =>
                {
                    t.Status = TenantStatus.Active;
                    t.SuspendedAt = null;
                }))
            .RequireTenant(Permission.TenantLifecycle)
            .WithName("ResumeTenant").WithSummary("Resume a suspended tenant");
        tenants.MapDelete("/", (Guid tenantId, TenantraDbContext db, AuditWriter audit, TimeProvider clock, TenantLifecycleOptions options) =>
                ChangeStatusAsync(tenantId, db, audit, "tenant.deleted", t => t.Status is TenantStatus.Active or TenantStatus.Suspended, t =>
                {
                    t.Status = TenantStatus.Deleted;
                    t.DeletedAt = clock.GetUtcNow();
                    t.PurgeAfter = t.DeletedAt + options.DeletionGracePeriod;
                }))
            .RequireTenant(Permission.TenantLifecycle)
            .WithName("DeleteTenant").WithSummary("Delete a tenant (recoverable until its purge date)")
            .WithDescription("Soft delete: restorable until `purgeAfter` (30 days by default), then purged by the tenant purge worker.");
        tenants.MapPost("/restore", (Guid tenantId, TenantraDbContext db, AuditWriter audit) =>
                ChangeStatusAsync(tenantId, db, audit, "tenant.restored", t => t.Status == TenantStatus.Deleted, t =>
                {
                    t.Status = TenantStatus.Active;
                    t.DeletedAt = null;
                    t.PurgeAfter = null;
                    t.SuspendedAt = null;
                }))
            .RequireTenant(Permission.TenantLifecycle)
            .WithName("RestoreTenant").WithSummary("Restore a deleted tenant before its purge date");
    }

    private static async Task<Ok<Paged<TenantSummary>>> ListMsps([AsParameters] PageRequest page, EnumFilter<TenantStatus>? status, TenantraDbContext db)
    {
        var query = db.Tenants.Where(t => t.Kind == TenantKind.Msp && t.Status != TenantStatus.Purged);
        return TypedResults.Ok(await SummariesAsync(query, page, status, db));
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem>> CreateMsp(CreateTenantRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        db.Scope.Enter(Tenant.PlatformId);
        return await CreateAsync(Tenant.PlatformId, TenantKind.Msp, request, db, audit, clock);
    }

    private static async Task<Results<Ok<Paged<TenantSummary>>, ProblemHttpResult>> ListCustomers(
        Guid mspId, [AsParameters] PageRequest page, EnumFilter<TenantStatus>? status, TenantraDbContext db, Caller caller)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == mspId && t.Kind == TenantKind.Msp))
        {
            return Problems.NotFound("MSP");
        }

        var reach = await CustomerReachAsync(mspId, db, caller);
        var query = db.Tenants.Where(t => t.ParentId == mspId && t.Status != TenantStatus.Purged);
        if (reach is not null)
        {
            query = query.Where(t => reach.Contains(t.Id));
        }

        return TypedResults.Ok(await SummariesAsync(query, page, status, db));
    }

    /// <summary>
    /// Null when the caller reaches every customer of the MSP; otherwise the ids they reach. Tokens get
    /// here only when issued in the MSP or the platform (the tenant requirement refuses others).
    /// </summary>
    private static async Task<List<Guid>?> CustomerReachAsync(Guid mspId, TenantraDbContext db, Caller caller)
    {
        var platformId = Tenant.PlatformId;
        var memberships = await db.Memberships.AsNoTracking().Include(m => m.Customers)
            .Where(m => m.UserId == caller.UserId && (m.TenantId == mspId || m.TenantId == platformId || db.Tenants.Any(t => t.Id == m.TenantId && t.ParentId == mspId)))
            .ToListAsync();
        if (memberships.Any(m => m.TenantId == platformId || (m.TenantId == mspId && m.CustomerScope == CustomerScope.AllCustomers)))
        {
            return null;
        }

        return memberships.SelectMany(m => m.TenantId == mspId ? m.Customers.Select(c => c.CustomerTenantId) : [m.TenantId]).Distinct().ToList();
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem>> CreateCustomer(
        Guid mspId, CreateTenantRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == mspId && t.Kind == TenantKind.Msp))
        {
            return Problems.Field("mspId", "is not an MSP tenant; customers belong to an MSP.");
        }

        return await CreateAsync(mspId, TenantKind.Customer, request, db, audit, clock);
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem>> CreateAsync(
        Guid parentId, TenantKind kind, CreateTenantRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var name = request.Name!.Trim();
        if (await db.Tenants.AnyAsync(t => t.ParentId == parentId && t.Name == name && t.Status != TenantStatus.Purged))
        {
            return Problems.Field("name", "is already used by another tenant here.");
        }

        var tenant = new Tenant { ParentId = parentId, Kind = kind, Name = name, TimeZone = request.TimeZone ?? "UTC", CreatedAt = clock.GetUtcNow() };
        db.Tenants.Add(tenant);
        await audit.StageAsync(parentId, new AuditEvent("tenant.created", "tenant", tenant.Id, After: TenantResponse.From(tenant)));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenant.Id}", TenantResponse.From(tenant));
    }

    private static async Task<Ok<TenantResponse>> GetTenant(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok(TenantResponse.From(await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId)));

    private static async Task<Results<Ok<TenantResponse>, ValidationProblem>> UpdateTenant(Guid tenantId, UpdateTenantRequest request, TenantraDbContext db, AuditWriter audit)
    {
        var tenant = await db.Tenants.AsTracking().SingleAsync(t => t.Id == tenantId);
        var before = TenantResponse.From(tenant);
        if (request.Name is not null)
        {
            var name = request.Name.Trim();
            if (await db.Tenants.AnyAsync(t => t.ParentId == tenant.ParentId && t.Id != tenantId && t.Name == name && t.Status != TenantStatus.Purged))
            {
                return Problems.Field("name", "is already used by another tenant here.");
            }

            tenant.Name = name;
        }

        tenant.TimeZone = request.TimeZone ?? tenant.TimeZone;
        await audit.StageAsync(tenantId, new AuditEvent("tenant.updated", "tenant", tenantId, before, TenantResponse.From(tenant)));
        await db.SaveChangesAsync();
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> ChangeStatusAsync(
        Guid tenantId, TenantraDbContext db, AuditWriter audit, string action, Func<Tenant, bool> allowed, Action<Tenant> change)
    {
        var tenant = await db.Tenants.AsTracking().SingleAsync(t => t.Id == tenantId);
        if (!allowed(tenant))
        {
            return Problems.Conflict($"The tenant is {tenant.Status.ToString().ToLowerInvariant()}; {action.Split('.')[1]} does not apply.");
        }

        var before = TenantResponse.From(tenant);
        change(tenant);
        await audit.StageAsync(tenantId, new AuditEvent(action, "tenant", tenantId, before, TenantResponse.From(tenant)));
        await db.SaveChangesAsync();
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static readonly SortKeys<Tenant> s_sortKeys = new("name", t => t.Id, new Dictionary<string, Expression<Func<Tenant, object?>>>
    {
        ["name"] = t => t.Name,
        ["status"] = t => t.Status,
        ["createdAt"] = t => t.CreatedAt,
    });

    private static async Task<Paged<TenantSummary>> SummariesAsync(IQueryable<Tenant> query, PageRequest page, EnumFilter<TenantStatus>? status, TenantraDbContext db)
    {
        if (status is { Value: var wanted })
        {
            query = query.Where(t => t.Status == wanted);
        }

        if (page.Search is { } search)
        {
            query = query.Where(t => t.Name.ToLower().Contains(search.ToLower()));
        }

        return await s_sortKeys.Apply(query, page.Sort)
            .Select(t => new TenantSummary(
                t.Id, t.Name, t.Kind, t.Status, t.CreatedAt,
                db.Memberships.Count(m => m.TenantId == t.Id),
                db.Tenants.Count(c => c.ParentId == t.Id && c.Status != TenantStatus.Purged)))
            .ToPageAsync(page);
    }
}

public sealed class TenantLifecycleOptions
{
    public const string Section = "Tenantra:Tenants";

    public TimeSpan DeletionGracePeriod { get; set; } = TimeSpan.FromDays(30);
}
