using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Integrity;

/// <summary>The tenant's suppressions: drift matching them raises no event from the next evaluation on.</summary>
public static class SuppressionEndpoints
{
    public const int MaxSuppressions = 500;

    public static void MapSuppressionEndpoints(this IEndpointRouteBuilder routes)
    {
        var suppressions = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/integrity/suppressions").WithTags("Integrity");
        suppressions.MapGet("/", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListSuppressions").WithSummary("The tenant's suppressions");
        suppressions.MapPost("/", Create).RequireTenant(Permission.IntegrityManage).Validates<CreateSuppressionRequest>()
            .WithName("CreateSuppression").WithSummary("Suppress drift: a key pattern (glob, `*` and `?`), optionally one asset, category, kind or field")
            .WithDescription("With `field`, only changes of that field are ignored. Events already raised stay; drift suppressed later raises nothing new.");
        suppressions.MapDelete("/{suppressionId:guid}", Delete).RequireTenant(Permission.IntegrityManage)
            .WithName("DeleteSuppression").WithSummary("Delete a suppression");
    }

    private static SuppressionResponse Response(IntegritySuppression s) =>
        new(s.Id, s.AssetId, s.Category, s.Kind, s.KeyPattern, s.Field, s.Comment, s.CreatedBy, s.CreatedAt);

    private static async Task<Ok<IReadOnlyList<SuppressionResponse>>> List(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok<IReadOnlyList<SuppressionResponse>>([.. (await db.IntegritySuppressions.Where(s => s.TenantId == tenantId).OrderBy(s => s.CreatedAt).ToListAsync()).Select(Response)]);

    private static async Task<Results<Created<SuppressionResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateSuppressionRequest request, TenantraDbContext db, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (request.AssetId is { } assetId && !await db.Assets.AnyAsync(a => a.TenantId == tenantId && a.Id == assetId))
        {
            return Problems.Field("assetId", "is not an asset of this tenant.");
        }

        if (await db.IntegritySuppressions.CountAsync(s => s.TenantId == tenantId) >= MaxSuppressions)
        {
            return Problems.Field("keyPattern", $"A tenant can have at most {MaxSuppressions} suppressions.");
        }

        var suppression = new IntegritySuppression
        {
            TenantId = tenantId,
            AssetId = request.AssetId,
            Category = request.Category,
            Kind = string.IsNullOrWhiteSpace(request.Kind) ? null : request.Kind.Trim(),
            KeyPattern = request.KeyPattern!.Trim(),
            Field = string.IsNullOrWhiteSpace(request.Field) ? null : request.Field.Trim(),
            Comment = request.Comment!.Trim(),
            CreatedBy = caller.UserIdOrNull,
            CreatedAt = clock.GetUtcNow(),
        };
        db.IntegritySuppressions.Add(suppression);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-suppression.created", "integrity-suppression", suppression.Id, After: Response(suppression)));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/integrity/suppressions/{suppression.Id}", Response(suppression));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid tenantId, Guid suppressionId, TenantraDbContext db, AuditWriter audit)
    {
        if (await db.IntegritySuppressions.AsTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId && s.Id == suppressionId) is not { } suppression)
        {
            return Problems.NotFound("Suppression");
        }

        db.IntegritySuppressions.Remove(suppression);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-suppression.deleted", "integrity-suppression", suppression.Id, Before: Response(suppression)));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
