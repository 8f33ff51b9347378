using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tenantra.Core.Audit;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.TestCommon;

public static class TestArchive
{
    /// <summary>
    /// Anchors the tenant's chain, then moves its first <paramref name="records"/> records into an archive
    /// segment with the real archiver, run with a clock two days ahead and a one-day window.
    /// </summary>
    public static Task<AuditArchiveSegment> ArchiveOldestAsync(this TenantraTestApp app, Guid tenantId, int records) =>
        app.InTenantAsync(tenantId, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            await services.GetRequiredService<AuditAnchoring>().AnchorAsync(db, tenantId);
            var archiver = new AuditArchiver(db, services.GetRequiredService<AuditSigningKeys>(), new AuditOptions { ArchiveAfterDays = 1, ArchiveSegmentRecords = records },
                services.GetRequiredService<JobQueue>(), new ShiftableClock { Shift = TimeSpan.FromDays(2) }, NullLogger<AuditArchiver>.Instance);
            return (await archiver.ArchiveNextAsync(tenantId)).Segment ?? throw new InvalidOperationException($"Nothing of tenant {tenantId} was archived.");
        });
}
