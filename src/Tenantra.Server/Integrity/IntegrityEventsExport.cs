using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Exports;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Integrity;

/// <summary>
/// Integrity events as an export (CSV, JSON, PDF, ZIP): the list's filters, oldest first, a
/// thousand at a time. Totals: events, per severity and per status.
/// </summary>
public sealed class IntegrityEventsExport : IExportDataset
{
    public const string DatasetKey = "integrity-events";

    private const int BatchSize = 1000;

    public string Key => DatasetKey;

    public string Title => "Integrity events";

    public Permission Permission => Permission.AssetsRead;

    private static readonly ExportColumn[] s_columns =
    [
        new("detectedAt", "Detected at (UTC)"), new("severity", "Severity"), new("status", "Status"), new("asset", "Asset"), new("category", "Category"),
        new("change", "Change"), new("kind", "Kind"), new("entry", "Entry"), new("fields", "Changed fields"), new("rules", "Rules"),
        new("resolution", "Resolution"), new("lastSeenAt", "Last seen (UTC)"), new("id", "Event id"),
    ];

    public void Validate(IReadOnlyDictionary<string, string> filters, ValidationErrors errors) => IntegrityEventFilter.Parse(filters, errors);

    public ExportDocument Document(IServiceProvider tenantServices, Guid tenantId, string tenantName, IReadOnlyDictionary<string, string> filters, DateTimeOffset now)
    {
        var filter = IntegrityEventFilter.Parse(filters, new ValidationErrors());
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        return new ExportDocument
        {
            Title = Title,
            TenantName = tenantName,
            PeriodFrom = filter.From,
            PeriodTo = filter.To,
            GeneratedAt = now,
            Columns = s_columns,
            Rows = RowsAsync(tenantServices.GetRequiredService<TenantraDbContext>(), tenantId, filter, counts),
            Totals = () => [new("Events", Format(counts.Where(c => c.Key.StartsWith("severity:", StringComparison.Ordinal)).Sum(c => c.Value))),
                .. counts.Select(c => new ExportTotal(c.Key[(c.Key.IndexOf(':') + 1)..], Format(c.Value)))],
        };
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync(
        TenantraDbContext db, Guid tenantId, IntegrityEventFilter filter, SortedDictionary<string, long> counts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        counts.Clear(); // counted afresh on every enumeration
        var hostnames = await db.Assets.AsNoTracking().Where(a => a.TenantId == tenantId).ToDictionaryAsync(a => a.Id, a => a.Hostname, cancellationToken);
        for (var offset = 0; ; offset += BatchSize)
        {
            var batch = await filter.Apply(db.IntegrityEvents.AsNoTracking().Where(e => e.TenantId == tenantId))
                .OrderBy(e => e.DetectedAt).ThenBy(e => e.Id).Skip(offset).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var e in batch)
            {
                counts[$"severity:{e.Severity}"] = counts.GetValueOrDefault($"severity:{e.Severity}") + 1;
                counts[$"status:{e.Status}"] = counts.GetValueOrDefault($"status:{e.Status}") + 1;
                var fields = IntegrityEventEndpoints.FieldChanges(e.FieldsJson);
                yield return
                [
                    Time(e.DetectedAt), e.Severity.ToString(), e.Status.ToString(), hostnames.GetValueOrDefault(e.AssetId, e.AssetId.ToString()), e.Category,
                    e.Change.ToString(), e.Kind, e.EntryKey, string.Join("; ", fields.Select(f => $"{f.Name}: {f.Before ?? "∅"} → {f.After ?? "∅"}")),
                    string.Join(", ", e.RuleKeys), e.Resolution, Time(e.LastSeenAt), e.Id.ToString(),
                ];
            }

            if (batch.Count < BatchSize)
            {
                yield break;
            }
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
