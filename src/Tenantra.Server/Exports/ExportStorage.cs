using Tenantra.Core.Exports;
using Tenantra.Data;

namespace Tenantra.Server.Exports;

/// <summary>Where export files live: <c>exports/&lt;tenant&gt;/&lt;export&gt;.&lt;ext&gt;</c> under the data directory.</summary>
public sealed class ExportStorage(DatabaseOptions options)
{
    public string DirectoryOf(Guid tenantId) => Path.Combine(options.DataDirectory, "exports", tenantId.ToString("N"));

    public string PathOf(ExportFile export) =>
        Path.Combine(DirectoryOf(export.TenantId), export.Id.ToString("N") + export.FormatOf().FileExtension());

    public void Delete(ExportFile export) => File.Delete(PathOf(export));
}
