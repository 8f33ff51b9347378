using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Platform.Metrics;
using Tenantra.Server.Platform.Workers;

namespace Tenantra.Server.Audit;

/// <summary>
/// Every <see cref="AuditOptions.AnchorIntervalMinutes"/>, signs an anchor over each tenant's audit
/// chain head that moved since its last anchor, inside that tenant's scope. A chain that no longer
/// continues its last anchor is not signed, and is logged as an error. Then queues an
/// <c>audit.archive</c> job for each tenant with records due for the archive.
/// </summary>
public sealed class AuditAnchorWorker(
    IServiceScopeFactory scopes, WorkerRegistry registry, TenantraMetrics metrics, TimeProvider clock, AuditOptions options, ILogger<AuditAnchorWorker> logger)
    : TenantraWorker(scopes, registry, metrics, clock, logger)
{
    public override string Name => "audit-anchor";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(options.AnchorIntervalMinutes);

    protected override async Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var tenants = await services.GetRequiredService<TenantraDbContext>().Tenants.Where(t => t.Status != TenantStatus.Purged).Select(t => t.Id).ToListAsync(cancellationToken);
        var tenantScopes = services.GetRequiredService<ITenantScopeFactory>();
        foreach (var tenantId in tenants)
        {
            await using var scope = tenantScopes.Enter(tenantId);
            var result = await scope.ServiceProvider.GetRequiredService<AuditAnchoring>()
                .AnchorAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>(), tenantId, cancellationToken);
            if (result.Broken is { } broken)
            {
                logger.LogError("The audit chain of tenant {TenantId} does not continue its last anchor: {Problem}", tenantId, broken.Problem);
                continue;
            }

            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            if (await scope.ServiceProvider.GetRequiredService<AuditArchiver>().HasDueRecordsAsync(tenantId, cancellationToken)
                && await AuditArchiver.EnqueueAsync(scope.ServiceProvider.GetRequiredService<JobQueue>(), tenantId, Clock.GetUtcNow(), cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
            }
        }
    }
}
