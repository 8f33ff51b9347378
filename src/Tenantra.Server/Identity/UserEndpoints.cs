using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Identity;

/// <summary>
/// Users of a tenant. A tenant lists everyone with a direct membership, but changes a user's
/// account (name, disabled, password reset) only for users it owns (its home tenant): a
/// customer admin cannot lock out an MSP technician.
/// </summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/users").WithTags("Users");
        users.MapGet("/", List).RequireTenant(Permission.UsersRead)
            .WithName("ListUsers").WithSummary("Members of the tenant")
            .WithDescription("Paged; `q` searches email and name, `role` filters by a role held in this tenant. Sort: `email` (default), `displayName`, `createdAt`, `lastSignInAt`.");
        users.MapPost("/", Create).RequireTenant(Permission.UsersManage).Validates<CreateUserRequest>()
            .WithName("CreateUser").WithSummary("Create a user with a role in the tenant")
            .WithDescription("Without a password, the response carries a one-time password reset token to hand to the user.");
        users.MapGet("/{userId:guid}", Get).RequireTenant(Permission.UsersRead)
            .WithName("GetUser").WithSummary("A member of the tenant");
        users.MapPatch("/{userId:guid}", Update).RequireTenant(Permission.UsersManage).Validates<UpdateUserRequest>()
            .WithName("UpdateUser").WithSummary("Rename or disable a user owned by the tenant")
            .WithDescription("Disabling ends the user's sessions and API tokens at once.");
        users.MapPost("/{userId:guid}/password-reset", IssuePasswordReset).RequireTenant(Permission.UsersManage).RequireSession()
            .WithName("IssuePasswordReset").WithSummary("Issue a one-time password reset token for a user owned by the tenant");
    }

    /// <summary>Projects <paramref name="users"/> (filtered and ordered by the caller) to members of the tenant.</summary>
    private static IQueryable<TenantUserResponse> Members(TenantraDbContext db, Guid tenantId, IQueryable<User> users) =>
        users.Where(u => db.Memberships.Any(m => m.TenantId == tenantId && m.UserId == u.Id))
            .Select(u => new TenantUserResponse(
                u.Id, u.Email, u.DisplayName, u.Disabled, u.TwoFactorEnabled, u.HomeTenantId == tenantId,
                db.Memberships.Where(m => m.TenantId == tenantId && m.UserId == u.Id).Select(m => m.Role).ToList(),
                u.CreatedAt, u.LastSignInAt));

    private static readonly SortKeys<User> s_sortKeys = new("email", u => u.Id, new Dictionary<string, Expression<Func<User, object?>>>
    {
        ["email"] = u => u.NormalizedEmail,
        ["displayName"] = u => u.DisplayName,
        ["createdAt"] = u => u.CreatedAt,
        ["lastSignInAt"] = u => u.LastSignInAt,
    });

    private static async Task<Ok<Paged<TenantUserResponse>>> List(Guid tenantId, [AsParameters] PageRequest page, EnumFilter<Role>? role, TenantraDbContext db)
    {
        var wanted = role?.Value;
        var users = db.Users.Where(u => db.Memberships.Any(m => m.TenantId == tenantId && m.UserId == u.Id && (wanted == null || m.Role == wanted)));
        if (page.Search is { } search)
        {
            var needle = search.ToLowerInvariant();
            users = users.Where(u => u.NormalizedEmail.Contains(needle.ToUpperInvariant()) || u.DisplayName.ToLower().Contains(needle));
        }

        var result = await Members(db, tenantId, s_sortKeys.Apply(users, page.Sort)).ToPageAsync(page);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Created<CreatedUserResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid tenantId, CreateUserRequest request, TenantraDbContext db, UserManager<User> userManager, AuditWriter audit, TimeProvider clock)
    {
        var email = request.Email!.Trim();
        if (await userManager.FindByEmailAsync(email) is not null)
        {
            return Problems.Field("email", "already has an account; add it with POST /memberships instead.");
        }

        var user = new User
        {
            Email = email,
            NormalizedEmail = userManager.NormalizeEmail(email),
            DisplayName = request.DisplayName!.Trim(),
            HomeTenantId = tenantId,
            CreatedAt = clock.GetUtcNow(),
        };
        if (request.Password is not null && await userManager.TrySetNewPasswordAsync(user, request.Password) is { Succeeded: false } refused)
        {
            return PasswordProblems.From(refused, "password");
        }

        db.Users.Add(user);
        db.Memberships.Add(new Membership { TenantId = tenantId, UserId = user.Id, Role = request.Role!.Value, CreatedAt = user.CreatedAt });
        await audit.StageAsync(tenantId, new AuditEvent("user.created", "user", user.Id, After: new { user.Email, user.DisplayName, request.Role }));
        await db.SaveChangesAsync();

        var resetToken = request.Password is null ? await userManager.GeneratePasswordResetTokenAsync(user) : null;
        var created = await Members(db, tenantId, db.Users.Where(u => u.Id == user.Id)).SingleAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/users/{user.Id}", new CreatedUserResponse(created, resetToken));
    }

    private static async Task<Results<Ok<TenantUserResponse>, ProblemHttpResult>> Get(Guid tenantId, Guid userId, TenantraDbContext db) =>
        await Members(db, tenantId, db.Users.Where(u => u.Id == userId)).SingleOrDefaultAsync() is { } user
            ? TypedResults.Ok(user)
            : Problems.NotFound("User");

    private static async Task<Results<Ok<TenantUserResponse>, ProblemHttpResult, ValidationProblem>> Update(
        Guid tenantId, Guid userId, UpdateUserRequest request, TenantraDbContext db, Caller caller, AuditWriter audit)
    {
        var user = await db.Users.AsTracking().SingleOrDefaultAsync(u => u.Id == userId && u.HomeTenantId == tenantId);
        if (user is null)
        {
            return Problems.NotFound("User owned by this tenant");
        }

        if (request.Disabled == true && userId == caller.UserId)
        {
            return Problems.Field("disabled", "You cannot disable your own account.");
        }

        var before = new { user.DisplayName, user.Disabled };
        user.DisplayName = request.DisplayName?.Trim() ?? user.DisplayName;
        if (request.Disabled is { } disabled && disabled != user.Disabled)
        {
            user.Disabled = disabled;
            user.SecurityStamp = Guid.NewGuid().ToString("N"); // ends the user's sessions; saved with the audit record below
        }

        await audit.StageAsync(tenantId, new AuditEvent(user.Disabled && !before.Disabled ? "user.disabled" : "user.updated", "user", userId, before, new { user.DisplayName, user.Disabled }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(await Members(db, tenantId, db.Users.Where(u => u.Id == userId)).SingleAsync());
    }

    private static async Task<Results<Ok<PasswordResetTokenResponse>, ProblemHttpResult>> IssuePasswordReset(
        Guid tenantId, Guid userId, TenantraDbContext db, UserManager<User> userManager, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        var user = await db.Users.AsTracking().SingleOrDefaultAsync(u => u.Id == userId && u.HomeTenantId == tenantId);
        if (user is null)
        {
            return Problems.NotFound("User owned by this tenant");
        }

        if (userId == caller.UserId)
        {
            return Problems.Forbidden("Change your own password with POST /api/v1/auth/password.");
        }

        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        await audit.WriteAsync(tenantId, new AuditEvent("user.password-reset-issued", "user", userId));
        return TypedResults.Ok(new PasswordResetTokenResponse(user.Email, token, clock.GetUtcNow().AddHours(24)));
    }
}
