using Tenantra.Core.Identity;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Exports;

/// <summary>
/// Something users can export (registered keyed by <see cref="Key"/> with
/// <see cref="ExportServiceCollectionExtensions.AddExportDataset{TDataset}"/>): who may, which
/// filters it takes, and the document it streams for them. Features add their lists as datasets.
/// </summary>
public interface IExportDataset
{
    string Key { get; }

    string Title { get; }

    /// <summary>The permission needed to export it, and to see or download an export of it.</summary>
    Permission Permission { get; }

    /// <summary>Adds a field error (named <c>filters.…</c>) for every filter it does not take or cannot read.</summary>
    void Validate(IReadOnlyDictionary<string, string> filters, ValidationErrors errors);

    /// <summary>
    /// The document for the tenant's data, read with <paramref name="tenantServices"/> (already in the
    /// tenant's scope). Its rows may be enumerated more than once (a ZIP holds several formats).
    /// </summary>
    ExportDocument Document(IServiceProvider tenantServices, Guid tenantId, string tenantName, IReadOnlyDictionary<string, string> filters, DateTimeOffset now);
}

public static class ExportServiceCollectionExtensions
{
    public static IServiceCollection AddExportDataset<TDataset>(this IServiceCollection services, string key)
        where TDataset : class, IExportDataset
    {
        services.AddKeyedSingleton<IExportDataset, TDataset>(key);
        services.AddSingleton<IExportDataset>(provider => provider.GetRequiredKeyedService<IExportDataset>(key));
        return services;
    }
}
