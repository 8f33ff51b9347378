using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Identity;

/// <summary>
/// API tokens for integrations. A token acts as its creator inside the tenant it was created in,
/// limited to its scopes, which must be permissions the creator holds there. Tokens cannot create tokens.
/// </summary>
public static class ApiTokenEndpoints
{
    public static void MapApiTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        var tokens = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/api-tokens").WithTags("API tokens");
        tokens.MapGet("/", List).RequireTenant(Permission.TokensManage)
            .WithName("ListApiTokens").WithSummary("API tokens in the tenant")
            .WithDescription("Admins see every token of the tenant, others their own. Secrets are never returned. `status` is active, revoked or expired. Sort: `name`, `createdAt` (default `-createdAt`), `expiresAt`, `lastUsedAt`.");
        tokens.MapPost("/", Create).RequireTenant(Permission.TokensManage).Validates<CreateApiTokenRequest>()
            .WithName("CreateApiToken").WithSummary("Create an API token")
            .WithDescription("The secret is in the response this once; only its hash is stored. Expires after `expiresInDays` (default 90, at most 365).");
        tokens.MapDelete("/{tokenId:guid}", Revoke).RequireTenant(Permission.TokensManage)
            .WithName("RevokeApiToken").WithSummary("Revoke an API token at once");
    }

    private static readonly SortKeys<ApiToken> s_sortKeys = new("-createdAt", t => t.Id, new Dictionary<string, Expression<Func<ApiToken, object?>>>
    {
        ["name"] = t => t.Name,
        ["createdAt"] = t => t.CreatedAt,
        ["expiresAt"] = t => t.ExpiresAt,
        ["lastUsedAt"] = t => t.LastUsedAt,
    });

    private static async Task<Results<Ok<Paged<ApiTokenResponse>>, ValidationProblem>> List(
        Guid tenantId, [AsParameters] PageRequest page, string? status, TenantraDbContext db, Caller caller, TenantAccessService access, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var query = db.ApiTokens.Where(t => t.TenantId == tenantId);
        if (!(await access.GetAsync(tenantId)).Has(Permission.UsersManage))
        {
            query = query.Where(t => t.UserId == caller.UserId);
        }

        switch (status)
        {
            case null:
                break;
            case "active":
                query = query.Where(t => t.RevokedAt == null && t.ExpiresAt > now);
                break;
            case "revoked":
                query = query.Where(t => t.RevokedAt != null);
                break;
            case "expired":
                query = query.Where(t => t.RevokedAt == null && t.ExpiresAt <= now);
                break;
            default:
                return Problems.Field("status", "must be active, revoked or expired.");
        }

        if (page.Search is { } search)
        {
            query = query.Where(t => t.Name.ToLower().Contains(search.ToLower()));
        }

        var result = await s_sortKeys.Apply(query, page.Sort).ToPageAsync(page);
        return TypedResults.Ok(new Paged<ApiTokenResponse>([.. result.Items.Select(ApiTokenResponse.From)], result.Page, result.PageSize, result.Total));
    }

    private static async Task<Results<Created<CreatedApiTokenResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid tenantId, CreateApiTokenRequest request, TenantraDbContext db, Caller caller, TenantAccessService access, AuditWriter audit, TimeProvider clock)
    {
        if (caller.IsToken)
        {
            return Problems.Forbidden("API tokens cannot create API tokens; sign in to create one.");
        }

        var held = (await access.GetAsync(tenantId)).Permissions.ToHashSet();
        if (tenantId == Tenant.PlatformId)
        {
            held.UnionWith(await access.GetPlatformAsync());
        }

        var scopes = request.Scopes!.Distinct().ToList();
        var notHeld = scopes.Where(s => Permissions.TryParseScope(s, out var p) && !held.Contains(p)).ToList();
        if (notHeld.Count > 0)
        {
            return Problems.Field("scopes", $"You do not hold {string.Join(", ", notHeld)} in this tenant, so a token cannot have it.");
        }

        var now = clock.GetUtcNow();
        var secret = SecretTokens.New(ApiTokenAuthenticationHandler.TokenPrefix);
        var token = new ApiToken
        {
            TenantId = tenantId,
            UserId = caller.UserId,
            Name = request.Name!.Trim(),
            Prefix = secret[..10],
            SecretHash = SecretTokens.Hash(secret),
            Scopes = scopes,
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ExpiresInDays ?? 90),
        };
        db.ApiTokens.Add(token);
        await audit.StageAsync(tenantId, new AuditEvent("api-token.created", "api-token", token.Id, After: ApiTokenResponse.From(token)));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/api-tokens/{token.Id}", new CreatedApiTokenResponse(ApiTokenResponse.From(token), secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid tenantId, Guid tokenId, TenantraDbContext db, Caller caller, TenantAccessService access, AuditWriter audit, TimeProvider clock)
    {
        var token = await db.ApiTokens.AsTracking().SingleOrDefaultAsync(t => t.TenantId == tenantId && t.Id == tokenId);
        if (token is null || (token.UserId != caller.UserId && !(await access.GetAsync(tenantId)).Has(Permission.UsersManage)))
        {
            return Problems.NotFound("API token");
        }

        if (token.RevokedAt is not null)
        {
            return Problems.Conflict("The token is already revoked.");
        }

        var before = ApiTokenResponse.From(token);
        token.RevokedAt = clock.GetUtcNow();
        await audit.StageAsync(tenantId, new AuditEvent("api-token.revoked", "api-token", tokenId, before, ApiTokenResponse.From(token)));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
