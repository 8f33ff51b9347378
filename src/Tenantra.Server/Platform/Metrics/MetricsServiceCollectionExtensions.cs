using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tenantra.Server.Platform.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="MetricsRegistry"/> and <see cref="TenantraMetrics"/> as singletons; calling it twice is harmless.</summary>
    public static IServiceCollection AddTenantraMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<MetricsRegistry>();
        services.TryAddSingleton<TenantraMetrics>();
        return services;
    }
}
