using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Security;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Notifications;

/// <summary>
/// The tenant's notification endpoints (signed webhooks, Slack, Teams). URLs and secrets are stored
/// encrypted and never returned; a webhook's secret is shown once, when made or rotated.
/// </summary>
public static class EndpointEndpoints
{
    public static void MapNotificationEndpointEndpoints(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/notifications/endpoints").WithTags("Notifications");
        endpoints.MapGet("/", List).RequireTenant(Permission.TenantManage)
            .WithName("ListNotificationEndpoints").WithSummary("The tenant's webhook, Slack and Teams endpoints");
        endpoints.MapPost("/", Create).RequireTenant(Permission.TenantManage).Validates<CreateEndpointRequest>()
            .WithName("CreateNotificationEndpoint").WithSummary("Add an endpoint")
            .WithDescription("Webhooks are signed in the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…`); the secret is in the answer, this once. `eventTypes` empty means all; `minSeverity` is the least severity sent.");
        endpoints.MapPatch("/{endpointId:guid}", Update).RequireTenant(Permission.TenantManage).Validates<UpdateEndpointRequest>()
            .WithName("UpdateNotificationEndpoint").WithSummary("Change an endpoint");
        endpoints.MapPost("/{endpointId:guid}/rotate-secret", RotateSecret).RequireTenant(Permission.TenantManage)
            .WithName("RotateNotificationEndpointSecret").WithSummary("Give a webhook a new secret")
            .WithDescription("The new secret is in the answer, this once. For 24 hours messages carry signatures under both the new and the old secret, so receivers can switch without losing any.");
        endpoints.MapDelete("/{endpointId:guid}", Delete).RequireTenant(Permission.TenantManage)
            .WithName("DeleteNotificationEndpoint").WithSummary("Delete an endpoint")
            .WithDescription("Deliveries still queued for it end as dead letters in the ledger.");
    }

    private static EndpointResponse Response(NotificationEndpoint e) =>
        new(e.Id, e.Name, e.Kind, e.UrlHint, e.EventTypes, e.MinSeverity, e.Enabled, e.ProtectedSecret is not null, e.PreviousSecretExpiresAt, e.CreatedAt);

    private static async Task<Ok<IReadOnlyList<EndpointResponse>>> List(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok<IReadOnlyList<EndpointResponse>>([.. (await db.NotificationEndpoints.AsNoTracking().Where(e => e.TenantId == tenantId).OrderBy(e => e.Name).ToListAsync()).Select(Response)]);

    private static async Task<Results<Created<EndpointWithSecretResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateEndpointRequest request, TenantraDbContext db, SecretProtector protector, AuditWriter audit, TimeProvider clock, IOptions<NotificationOptions> options)
    {
        if (RefusedUrl(request.Url!, options.Value) is { } refused)
        {
            return refused;
        }

        var secret = request.Kind == NotificationChannel.Webhook ? request.Secret ?? WebhookSignature.NewSecret() : null;
        var endpoint = new NotificationEndpoint
        {
            TenantId = tenantId,
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            ProtectedUrl = protector.Protect(request.Url!, HookSender.UrlPurpose),
            UrlHint = EndpointRules.HintOf(request.Url!),
            ProtectedSecret = secret is null ? null : protector.Protect(secret, HookSender.SecretPurpose),
            EventTypes = [.. (request.EventTypes ?? []).Distinct()],
            MinSeverity = request.MinSeverity!.Value,
            Enabled = request.Enabled ?? true,
            CreatedAt = clock.GetUtcNow(),
        };
        db.NotificationEndpoints.Add(endpoint);
        await audit.StageAsync(tenantId, new AuditEvent("notification-endpoint.created", "notification-endpoint", endpoint.Id, After: Response(endpoint)));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/notifications/endpoints/{endpoint.Id}", new EndpointWithSecretResponse(Response(endpoint), secret));
    }

    private static async Task<Results<Ok<EndpointResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid tenantId, Guid endpointId, UpdateEndpointRequest request, TenantraDbContext db, SecretProtector protector, AuditWriter audit, IOptions<NotificationOptions> options)
    {
        if (await db.NotificationEndpoints.FirstOrDefaultAsync(e => e.TenantId == tenantId && e.Id == endpointId) is not { } endpoint)
        {
            return Problems.NotFound("endpoint");
        }

        if (request.Url is { } url && RefusedUrl(url, options.Value) is { } refused)
        {
            return refused;
        }

        var before = Response(endpoint);
        endpoint.Name = request.Name?.Trim() ?? endpoint.Name;
        if (request.Url is not null)
        {
            endpoint.ProtectedUrl = protector.Protect(request.Url, HookSender.UrlPurpose);
            endpoint.UrlHint = EndpointRules.HintOf(request.Url);
        }

        endpoint.EventTypes = request.EventTypes is null ? endpoint.EventTypes : [.. request.EventTypes.Distinct()];
        endpoint.MinSeverity = request.MinSeverity ?? endpoint.MinSeverity;
        endpoint.Enabled = request.Enabled ?? endpoint.Enabled;
        await audit.StageAsync(tenantId, new AuditEvent("notification-endpoint.updated", "notification-endpoint", endpoint.Id, before, Response(endpoint)));
        await db.SaveChangesAsync();
        return TypedResults.Ok(Response(endpoint));
    }

    private static async Task<Results<Ok<EndpointWithSecretResponse>, ProblemHttpResult>> RotateSecret(
        Guid tenantId, Guid endpointId, TenantraDbContext db, SecretProtector protector, AuditWriter audit, TimeProvider clock)
    {
        if (await db.NotificationEndpoints.FirstOrDefaultAsync(e => e.TenantId == tenantId && e.Id == endpointId) is not { } endpoint)
        {
            return Problems.NotFound("endpoint");
        }

        if (endpoint.ProtectedSecret is null)
        {
            return Problems.Conflict($"A {endpoint.Kind.ToString().ToLowerInvariant()} endpoint has no signing secret; its URL is its credential (change the URL instead).");
        }

        var secret = WebhookSignature.NewSecret();
        endpoint.ProtectedPreviousSecret = endpoint.ProtectedSecret;
        endpoint.PreviousSecretExpiresAt = clock.GetUtcNow() + NotificationEndpoint.SecretOverlap;
        endpoint.ProtectedSecret = protector.Protect(secret, HookSender.SecretPurpose);
        await audit.StageAsync(tenantId, new AuditEvent("notification-endpoint.secret-rotated", "notification-endpoint", endpoint.Id, After: new { endpoint.PreviousSecretExpiresAt }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(new EndpointWithSecretResponse(Response(endpoint), secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid tenantId, Guid endpointId, TenantraDbContext db, AuditWriter audit)
    {
        if (await db.NotificationEndpoints.FirstOrDefaultAsync(e => e.TenantId == tenantId && e.Id == endpointId) is not { } endpoint)
        {
            return Problems.NotFound("endpoint");
        }

        db.NotificationEndpoints.Remove(endpoint);
        await audit.StageAsync(tenantId, new AuditEvent("notification-endpoint.deleted", "notification-endpoint", endpoint.Id, Before: Response(endpoint)));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }

    /// <summary>Plain http only where private addresses are allowed (development, tests); https otherwise.</summary>
    private static ValidationProblem? RefusedUrl(string url, NotificationOptions options) =>
        !options.AllowPrivateAddresses && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? Problems.Field("url", "must use https.")
            : null;
}
