using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Platform.Workers;

/// <summary>
/// Purges tenants whose deletion grace period is over, and the customers of a purged MSP (one
/// level per round): each inside its own tenant scope, it removes memberships, invitations, API
/// tokens, exports (rows and files) and everything of its agents (assets, snapshots, tokens, groups, policy) and marks the
/// tenant purged. The audit trail stays (it is append-only; the retention
/// feature archives it under policy).
/// </summary>
public sealed class TenantPurgeWorker(IServiceScopeFactory scopes, WorkerRegistry registry, TenantraMetrics metrics, TimeProvider clock, ILogger<TenantPurgeWorker> logger)
    : TenantraWorker(scopes, registry, metrics, clock, logger)
{
    public override string Name => "tenant-purge";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(1);

    protected override async Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var db = services.GetRequiredService<TenantraDbContext>();
        var due = await db.Tenants
            .Where(t => (t.Status == TenantStatus.Deleted && t.PurgeAfter <= now)
                || (t.Status != TenantStatus.Purged && db.Tenants.Any(p => p.Id == t.ParentId && p.Status == TenantStatus.Purged)))
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
        var tenantScopes = services.GetRequiredService<ITenantScopeFactory>();
        foreach (var tenantId in due)
        {
            await using var scope = tenantScopes.Enter(tenantId);
            logger.LogInformation("Purging tenant {TenantId}", tenantId);
            await PurgeAsync(scope.ServiceProvider, tenantId, now, cancellationToken);
        }
    }

    internal static async Task PurgeAsync(IServiceProvider tenantServices, Guid tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var db = tenantServices.GetRequiredService<TenantraDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tenant = await db.Tenants.AsTracking().SingleAsync(t => t.Id == tenantId, cancellationToken);
        var parentPurged = await db.Tenants.AnyAsync(p => p.Id == tenant.ParentId && p.Status == TenantStatus.Purged, cancellationToken);
        var graceOver = tenant.Status == TenantStatus.Deleted && tenant.PurgeAfter <= now;
        if (tenant.Status == TenantStatus.Purged || !(graceOver || parentPurged))
        {
            return;
        }

        await db.Memberships.Where(m => m.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.MembershipCustomers.Where(c => c.CustomerTenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.Invitations.Where(i => i.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.ApiTokens.Where(t => t.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.EnrollmentTokens.Where(t => t.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.AgentNonces.Where(n => n.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.AssetStates.Where(s => s.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.Snapshots.Where(s => s.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.Assets.Where(a => a.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.AssetGroups.Where(g => g.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.CollectionIntervals.Where(c => c.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        await db.ExportFiles.Where(e => e.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken);
        var exports = tenantServices.GetRequiredService<Exports.ExportStorage>().DirectoryOf(tenantId);
        if (Directory.Exists(exports))
        {
            Directory.Delete(exports, recursive: true);
        }
        tenant.Status = TenantStatus.Purged;
        await tenantServices.GetRequiredService<AuditWriter>().StageAsync(tenantId, new AuditEvent("tenant.purged", "tenant", tenantId) { ActorName = "system" });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
