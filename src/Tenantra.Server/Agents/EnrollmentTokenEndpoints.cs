using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Agents;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Agents;

public sealed record CreateEnrollmentTokenRequest(string? Label, int? ExpiresInDays, int? MaxUses, Guid? AssetGroupId) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("label", Label, 100);
        if (ExpiresInDays is < 1 or > 365)
        {
            errors.Add("expiresInDays", "must be between 1 and 365, or left out for a token that does not expire.");
        }

        if (MaxUses is < 1 or > 100_000)
        {
            errors.Add("maxUses", "must be between 1 and 100000, or left out for no limit.");
        }
    }
}

public sealed record EnrollmentTokenResponse(
    Guid Id, string Label, string Prefix, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, int? MaxUses, int Uses, Guid? AssetGroupId, DateTimeOffset? RevokedAt);

/// <summary>A new token with its secret (shown once) and ready-to-paste install commands per operating system.</summary>
public sealed record CreatedEnrollmentTokenResponse(EnrollmentTokenResponse EnrollmentToken, string Token, IReadOnlyDictionary<string, string> InstallInstructions);

/// <summary>Enrollment tokens: how agents join a tenant. Secrets are stored hashed and shown once.</summary>
public static class EnrollmentTokenEndpoints
{
    public const string TokenPrefix = "tne_";

    public static void MapEnrollmentTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        var tokens = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/enrollment-tokens").WithTags("Agents");
        tokens.MapGet("/", List).RequireTenant(Permission.AgentsManage)
            .WithName("ListEnrollmentTokens").WithSummary("Enrollment tokens of the tenant")
            .WithDescription("Paged; `status` is active, expired, used-up or revoked; `q` searches labels. Sort: `label`, `createdAt` (default `-createdAt`), `expiresAt`.");
        tokens.MapPost("/", Create).RequireTenant(Permission.AgentsManage).Validates<CreateEnrollmentTokenRequest>()
            .WithName("CreateEnrollmentToken").WithSummary("Create an enrollment token")
            .WithDescription("The secret and the install commands are in this response only.");
        tokens.MapDelete("/{tokenId:guid}", Revoke).RequireTenant(Permission.AgentsManage)
            .WithName("RevokeEnrollmentToken").WithSummary("Revoke an enrollment token at once (enrolled agents stay)");
    }

    private static readonly SortKeys<EnrollmentToken> s_sortKeys = new("-createdAt", t => t.Id, new Dictionary<string, Expression<Func<EnrollmentToken, object?>>>
    {
        ["label"] = t => t.Label,
        ["createdAt"] = t => t.CreatedAt,
        ["expiresAt"] = t => t.ExpiresAt,
    });

    private static EnrollmentTokenResponse Response(EnrollmentToken t, DateTimeOffset now) =>
        new(t.Id, t.Label, t.Prefix, t.StatusAt(now), t.CreatedAt, t.ExpiresAt, t.MaxUses, t.Uses, t.AssetGroupId, t.RevokedAt);

    private static async Task<Results<Ok<Paged<EnrollmentTokenResponse>>, ValidationProblem>> List(
        Guid tenantId, [AsParameters] PageRequest page, string? status, TenantraDbContext db, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var query = db.EnrollmentTokens.Where(t => t.TenantId == tenantId);
        switch (status)
        {
            case null:
                break;
            case "active":
                query = query.Where(t => t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now) && (t.MaxUses == null || t.Uses < t.MaxUses));
                break;
            case "expired":
                query = query.Where(t => t.RevokedAt == null && t.ExpiresAt <= now);
                break;
            case "used-up":
                query = query.Where(t => t.RevokedAt == null && t.Uses >= t.MaxUses);
                break;
            case "revoked":
                query = query.Where(t => t.RevokedAt != null);
                break;
            default:
                return Problems.Field("status", "must be active, expired, used-up or revoked.");
        }

        if (page.Search is { } search)
        {
            query = query.Where(t => t.Label.ToLower().Contains(search.ToLower()));
        }

        var result = await s_sortKeys.Apply(query, page.Sort).ToPageAsync(page);
        return TypedResults.Ok(new Paged<EnrollmentTokenResponse>([.. result.Items.Select(t => Response(t, now))], result.Page, result.PageSize, result.Total));
    }

    private static async Task<Results<Created<CreatedEnrollmentTokenResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateEnrollmentTokenRequest request, HttpRequest http, TenantraDbContext db, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (request.AssetGroupId is { } groupId && !await db.AssetGroups.AnyAsync(g => g.TenantId == tenantId && g.Id == groupId))
        {
            return Problems.Field("assetGroupId", "is not an asset group of this tenant.");
        }

        var now = clock.GetUtcNow();
        var secret = SecretTokens.New(TokenPrefix);
        var token = new EnrollmentToken
        {
            TenantId = tenantId,
            Label = request.Label!.Trim(),
            Prefix = secret[..12],
            SecretHash = SecretTokens.Hash(secret),
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
            MaxUses = request.MaxUses,
            AssetGroupId = request.AssetGroupId,
        };
        db.EnrollmentTokens.Add(token);
        await audit.StageAsync(tenantId, new AuditEvent("enrollment-token.created", "enrollment-token", token.Id, After: new { token.Label, token.ExpiresAt, token.MaxUses, token.AssetGroupId }));
        await db.SaveChangesAsync();
        var server = $"{http.Scheme}://{http.Host}";
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/enrollment-tokens/{token.Id}",
            new CreatedEnrollmentTokenResponse(Response(token, now), secret, InstallInstructions.For(server, secret)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid tenantId, Guid tokenId, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var token = await db.EnrollmentTokens.AsTracking().SingleOrDefaultAsync(t => t.TenantId == tenantId && t.Id == tokenId);
        if (token is null)
        {
            return Problems.NotFound("Enrollment token");
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            await audit.StageAsync(tenantId, new AuditEvent("enrollment-token.revoked", "enrollment-token", token.Id, After: new { token.Label }));
            await db.SaveChangesAsync();
        }

        return TypedResults.NoContent();
    }
}
