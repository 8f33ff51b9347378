using Tenantra.Server.Exports;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Integrity;

public static class IntegrityServiceCollectionExtensions
{
    /// <summary>Baselines, snapshot history, the drift evaluation job and the integrity events export.</summary>
    public static IServiceCollection AddTenantraIntegrity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(IntegrityOptions.Section).Get<IntegrityOptions>() ?? new IntegrityOptions();
        options.EvaluationDelaySeconds = Math.Clamp(options.EvaluationDelaySeconds, 0, 3600);
        services.AddSingleton(options);
        services.AddScoped<BaselineStore>();
        services.AddScoped<SnapshotHistory>();
        services.AddScoped<DriftEvaluator>();
        services.AddJobHandler<DriftEvaluator>(DriftEvaluator.Kind);
        services.AddExportDataset<IntegrityEventsExport>(IntegrityEventsExport.DatasetKey);
        return services;
    }

    public static void MapIntegrityEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapIntegrityEventEndpoints();
        routes.MapBaselineEndpoints();
        routes.MapGoldenBaselineEndpoints();
        routes.MapSuppressionEndpoints();
        routes.MapIntegrityRuleEndpoints();
    }
}
