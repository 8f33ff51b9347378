using Tenantra.Server.Exports;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit writer's companions: signing keys, anchoring (and its worker), archiving, verification, detections and the audit exports.</summary>
    public static IServiceCollection AddTenantraAudit(this IServiceCollection services, IConfiguration configuration, bool workers)
    {
        var options = configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions();
        options.AnchorIntervalMinutes = Math.Clamp(options.AnchorIntervalMinutes, 1, 1440);
        options.ArchiveAfterDays = Math.Max(0, options.ArchiveAfterDays);
        options.ArchiveSegmentRecords = Math.Clamp(options.ArchiveSegmentRecords, 1, 1_000_000);
        services.AddSingleton(options);
        services.AddScoped<AuditWriter>();
        services.AddSingleton<AuditSigningKeys>();
        services.AddScoped<AuditAnchoring>();
        services.AddScoped<AuditArchive>();
        services.AddScoped<AuditVerification>();
        services.AddScoped<AuditArchiver>();
        services.AddJobHandler<AuditArchiver>(AuditArchiver.Kind);
        services.AddScoped<AuditDetector>();
        services.AddJobHandler<AuditDetector>(AuditDetector.Kind);
        services.AddExportDataset<AuditRecordsExport>(AuditRecordsExport.DatasetKey);
        services.AddExportDataset<AuditEvidenceExport>(AuditEvidenceExport.DatasetKey);
        if (workers)
        {
            services.AddHostedService<AuditAnchorWorker>();
        }

        return services;
    }
}
