using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Platform.Metrics;
using Tenantra.Server.Platform.Workers;

namespace Tenantra.Server.Agents;

/// <summary>
/// Deletes agent nonces older than twice the allowed clock skew, tenant by tenant: a request that
/// old fails the timestamp check before its nonce is looked at, so forgetting the nonce cannot let a
/// replay through, and the table stays the size of ten minutes of traffic.
/// </summary>
public sealed class AgentNoncePurgeWorker(IServiceScopeFactory scopes, WorkerRegistry registry, TenantraMetrics metrics, TimeProvider clock, ILogger<AgentNoncePurgeWorker> logger)
    : TenantraWorker(scopes, registry, metrics, clock, logger)
{
    public static readonly TimeSpan Retention = 2 * AgentRequestSignature.MaxClockSkew;

    public override string Name => "agent-nonce-purge";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        PurgeAsync(services, Clock.GetUtcNow() - Retention, cancellationToken);

    /// <summary>Deletes every tenant's nonces seen before <paramref name="cutoff"/>.</summary>
    internal static async Task PurgeAsync(IServiceProvider services, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var tenants = await services.GetRequiredService<TenantraDbContext>().Tenants
            .Where(t => t.Status != TenantStatus.Purged).Select(t => t.Id).ToListAsync(cancellationToken);
        var tenantScopes = services.GetRequiredService<ITenantScopeFactory>();
        foreach (var tenantId in tenants)
        {
            await using var scope = tenantScopes.Enter(tenantId);
            await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().AgentNonces
                .Where(n => n.TenantId == tenantId && n.SeenAt < cutoff)
                .ExecuteDeleteAsync(cancellationToken);
        }
    }
}
