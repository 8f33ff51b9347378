using Tenantra.Server.Exports;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit writer's companions: signing keys, anchoring (and its worker), verification, detections and the audit exports.</summary>
    public static IServiceCollection AddTenantraAudit(this IServiceCollection services, IConfiguration configuration, bool workers)
    {
        var options = configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions();
        options.AnchorIntervalMinutes = Math.Clamp(options.AnchorIntervalMinutes, 1, 1440);
        services.AddSingleton(options);
        services.AddScoped<AuditWriter>();
        services.AddSingleton<AuditSigningKeys>();
        services.AddScoped<AuditAnchoring>();
        services.AddScoped<AuditVerification>();
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
