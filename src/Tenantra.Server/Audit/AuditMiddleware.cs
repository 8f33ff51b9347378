using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Audit;

/// <summary>
/// Makes sure every state-changing API request leaves an audit record. Handlers record their
/// successful changes with before/after in the same transaction; this catches the rest (refused,
/// invalid or failed requests) and records them with their outcome, in the route's tenant when
/// it exists, else in the platform tenant.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AuditWriter audit, TenantraDbContext db, TenantraMetrics metrics)
    {
        if (!IsStateChanging(context.Request))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception ex) when (!audit.HasRecorded)
        {
            // The exception handler further out sets the status; record what it will be.
            await RecordAsync(context, audit, db, ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
            throw;
        }
        finally
        {
            metrics.AuditRecordsWritten.Inc(db.AuditRecordsCommitted);
        }

        var telemetry = context.GetEndpoint()?.Metadata.GetMetadata<MachineTelemetry>() is not null;
        if (!audit.HasRecorded && !(telemetry && context.Response.StatusCode < 400))
        {
            await RecordAsync(context, audit, db, context.Response.StatusCode);
        }
    }

    private static bool IsStateChanging(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static async Task RecordAsync(HttpContext context, AuditWriter audit, TenantraDbContext db, int status)
    {
        var outcome = status switch
        {
            < 400 => AuditOutcome.Success,
            401 or 403 or 404 => AuditOutcome.Denied,
            _ => AuditOutcome.Failure,
        };
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        var tenantId = await RouteTenantAsync(context, db) ?? Tenant.PlatformId;
        await audit.WriteAsync(tenantId, new AuditEvent(Truncate($"{context.Request.Method} {route}", 100)) { Outcome = outcome }, CancellationToken.None);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private static async Task<Guid?> RouteTenantAsync(HttpContext context, TenantraDbContext db)
    {
        foreach (var key in Tenancy.TenantRequirement.RouteKeys)
        {
            if (context.Request.RouteValues[key] is string raw && Guid.TryParse(raw, out var id) && await db.Tenants.AnyAsync(t => t.Id == id))
            {
                return id;
            }
        }

        return null;
    }
}

/// <summary>
/// Marks an endpoint whose successful calls are machine telemetry (agent heartbeats and snapshot
/// uploads), not actions of a person: they leave no audit record. Refused calls are still recorded.
/// </summary>
public sealed class MachineTelemetry
{
    public static readonly MachineTelemetry Instance = new();

    private MachineTelemetry()
    {
    }
}
