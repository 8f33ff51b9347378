using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tenantra.Core.Identity;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Platform.Workers;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Platform;

public sealed record FeatureFlag(string Key, string Title, bool Enabled);

/// <summary>What the console may show in a tenant: its features and the caller's roles and permission scopes there.</summary>
public sealed record FeaturesResponse(Guid TenantId, IReadOnlyList<FeatureFlag> Features, IReadOnlyList<Role> Roles, IReadOnlyList<string> Permissions);

public sealed record SetFeatureRequest(bool? Enabled) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Enabled is null)
        {
            errors.Add("enabled", "is required.");
        }
    }
}

public sealed record WorkerStatus(string NodeId, string Worker, DateTimeOffset StartedAt, DateTimeOffset LastBeatAt, bool Alive, string? LastError);

public sealed record SystemStatusResponse(string Version, string DatabaseEngine, IReadOnlyList<string> AppliedMigrations, IReadOnlyList<string> PendingMigrations, DateTimeOffset StartedAt, IReadOnlyList<WorkerStatus> Workers);

public static class PlatformEndpoints
{
    public static readonly string Version =
        typeof(PlatformEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void MapPlatformEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/features", GetFeatures).RequireAuthorization().WithTags("Platform")
            .WithName("GetFeatures").WithSummary("Features the caller may use in a tenant")
            .WithDescription("For the console's navigation: each feature is enabled when the tenant has it on and the caller holds its permission there. The server enforces permissions regardless.");
        routes.MapPut("/api/v1/tenants/{tenantId:guid}/features/{key}", SetFeature).RequireTenant(Permission.TenantLifecycle).Validates<SetFeatureRequest>().WithTags("Platform")
            .WithName("SetFeature").WithSummary("Turn a feature on or off for a tenant (its parent's admins)");
        routes.MapGet("/api/v1/system/status", GetStatus).RequirePlatform(Permission.SystemRead).WithTags("Platform")
            .WithName("GetSystemStatus").WithSummary("Version, database engine, migrations and worker heartbeats (platform members)");
        routes.MapGet("/health/live", () => TypedResults.Text("Healthy")).AllowAnonymous().WithTags("Platform")
            .WithName("GetLiveness").WithSummary("The process is up").WithDescription("Always 200 `Healthy` while the server answers.");
        routes.MapGet("/health/ready", GetReadiness).AllowAnonymous().WithTags("Platform")
            .WithName("GetReadiness").WithSummary("Database reachable, migrations applied, workers alive")
            .WithDescription("200 `Healthy`, or 503 with the reason; load balancers take the node out of rotation.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain").Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
    }

    private static async Task<IResult> GetReadiness(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Text("Healthy")
            : TypedResults.Text("Unhealthy: " + string.Join(" ", report.Entries.Values.Select(e => e.Description)), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<FeaturesResponse>, ProblemHttpResult>> GetFeatures(Guid tenantId, TenantAccessService access, TenantraDbContext db)
    {
        var resolved = await access.GetAsync(tenantId);
        if (!resolved.IsMember)
        {
            return Problems.NotFound("Tenant");
        }

        // In the platform tenant, the console also shows the platform-wide pages (MSPs, system status).
        var permissions = tenantId == Tenant.PlatformId
            ? [.. resolved.Permissions.Union(await access.GetPlatformAsync())]
            : resolved.Permissions.ToHashSet();
        db.Scope.Enter(tenantId);
        var overrides = await db.FeatureOverrides.Where(f => f.TenantId == tenantId).ToDictionaryAsync(f => f.FeatureKey, f => f.Enabled);
        var flags = FeatureCatalog.All
            .Select(f => new FeatureFlag(f.Key, f.Title, overrides.GetValueOrDefault(f.Key, f.EnabledByDefault) && permissions.Contains(f.RequiredPermission)))
            .ToList();
        return TypedResults.Ok(new FeaturesResponse(
            tenantId, flags, [.. resolved.Roles.Order()], [.. permissions.Order().Select(Permissions.ScopeName)]));
    }

    private static async Task<Results<Ok<FeatureFlag>, ProblemHttpResult>> SetFeature(
        Guid tenantId, string key, SetFeatureRequest request, TenantraDbContext db, Audit.AuditWriter audit, TimeProvider clock)
    {
        if (FeatureCatalog.Find(key) is not { } feature)
        {
            return Problems.NotFound("Feature");
        }

        var existing = await db.FeatureOverrides.AsTracking().SingleOrDefaultAsync(f => f.TenantId == tenantId && f.FeatureKey == key);
        var before = existing?.Enabled ?? feature.EnabledByDefault;
        if (existing is null)
        {
            db.FeatureOverrides.Add(existing = new FeatureOverride { TenantId = tenantId, FeatureKey = key });
        }

        existing.Enabled = request.Enabled!.Value;
        existing.UpdatedAt = clock.GetUtcNow();
        await audit.StageAsync(tenantId, new Audit.AuditEvent("feature.set", "feature", key, new { Enabled = before }, new { existing.Enabled }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(new FeatureFlag(feature.Key, feature.Title, existing.Enabled));
    }

    private static async Task<Ok<SystemStatusResponse>> GetStatus(TenantraDbContext db, DatabaseOptions options, WorkerRegistry workers, TimeProvider clock)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        var now = clock.GetUtcNow();
        var heartbeats = await db.WorkerHeartbeats.AsNoTracking().OrderBy(w => w.NodeId).ThenBy(w => w.Worker).ToListAsync();
        return TypedResults.Ok(new SystemStatusResponse(
            Version,
            options.Engine == DatabaseEngine.Postgres ? "PostgreSQL" : "SQLite",
            applied,
            pending,
            workers.StartedAt,
            [.. heartbeats.Select(h => new WorkerStatus(h.NodeId, h.Worker, h.StartedAt, h.LastBeatAt, now - h.LastBeatAt < WorkerRegistry.AliveWindow, h.LastError))]));
    }
}
