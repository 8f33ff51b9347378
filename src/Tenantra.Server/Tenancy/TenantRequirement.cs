using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;

namespace Tenantra.Server.Tenancy;

/// <summary>
/// The one tenant requirement: the caller must hold <see cref="Permission"/> in the tenant named
/// by the route (<c>{tenantId}</c> or <c>{mspId}</c>). On success the request's
/// <see cref="TenantScope"/> is entered for that tenant, so every query that follows is held
/// to it by both isolation walls.
/// </summary>
public sealed record TenantRequirement(Permission Permission) : IAuthorizationRequirement
{
    public static readonly string[] RouteKeys = ["tenantId", "mspId"];
}

/// <summary>Requires a platform-wide permission (from a membership on the platform tenant).</summary>
public sealed record PlatformRequirement(Permission Permission) : IAuthorizationRequirement;

internal sealed class TenantRequirementHandler(IHttpContextAccessor http, TenantAccessService access, TenantScope scope)
    : IAuthorizationHandler
{
    public const string NotMember = "not-member";

    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            switch (requirement)
            {
                case TenantRequirement tenant:
                    await HandleTenantAsync(context, tenant);
                    break;
                case PlatformRequirement platform:
                    if ((await access.GetPlatformAsync()).Contains(platform.Permission))
                    {
                        context.Succeed(platform);
                    }
                    else
                    {
                        context.Fail(new AuthorizationFailureReason(this, "The caller is not a platform administrator."));
                    }

                    break;
            }
        }
    }

    private async Task HandleTenantAsync(AuthorizationHandlerContext context, TenantRequirement requirement)
    {
        var routeValues = http.HttpContext!.Request.RouteValues;
        var raw = TenantRequirement.RouteKeys.Select(k => routeValues[k] as string).FirstOrDefault(v => v is not null);
        if (!Guid.TryParse(raw, out var tenantId))
        {
            context.Fail(new AuthorizationFailureReason(this, NotMember));
            return;
        }

        var resolved = await access.GetAsync(tenantId);
        if (!resolved.IsMember)
        {
            context.Fail(new AuthorizationFailureReason(this, NotMember));
        }
        else if (!resolved.Has(requirement.Permission))
        {
            context.Fail(new AuthorizationFailureReason(this, $"This needs the {Permissions.ScopeName(requirement.Permission)} permission in the tenant."));
        }
        else
        {
            scope.Enter(tenantId);
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Writes authorization failures as problem details: 401 without a principal, 404 for a tenant the
/// caller is not a member of (its existence is not revealed), 403 for a missing permission.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
        var (status, title, detail) = authorizeResult.Challenged || context.User.Identity?.IsAuthenticated != true
            ? (401, "Sign-in required.", "Sign in or present a valid API token.")
            : reasons.Contains(TenantRequirementHandler.NotMember)
                ? (404, "Tenant was not found.", null)
                : (403, "Forbidden.", reasons.FirstOrDefault() ?? "The caller lacks the permission this needs.");
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}

public static class TenantAuthorizationExtensions
{
    /// <summary>Requires <paramref name="permission"/> in the route's tenant and enters its scope.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new TenantRequirement(permission)).Build());

    public static TBuilder RequirePlatform<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new PlatformRequirement(permission)).Build());
}
