using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Exports;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Audit;

/// <summary>
/// The audit trail as an export: the list's filters, oldest first, read a thousand records at a time
/// by sequence (untracked, so memory stays flat however long the trail).
/// </summary>
public sealed class AuditRecordsExport : IExportDataset
{
    public const string DatasetKey = "audit-records";

    private const int BatchSize = 1000;

    public string Key => DatasetKey;

    public string Title => "Audit trail";

    public Permission Permission => Permission.AuditRead;

    private static readonly ExportColumn[] s_columns =
    [
        new("sequence", "Sequence"), new("occurredAt", "Occurred at (UTC)"), new("actor", "Actor"), new("action", "Action"),
        new("targetType", "Target type"), new("targetId", "Target"), new("outcome", "Outcome"), new("sourceIp", "Source IP"),
        new("requestId", "Request id"), new("hash", "Hash"),
    ];

    public void Validate(IReadOnlyDictionary<string, string> filters, ValidationErrors errors) => AuditRecordFilter.Parse(filters, errors);

    public ExportDocument Document(IServiceProvider tenantServices, Guid tenantId, string tenantName, IReadOnlyDictionary<string, string> filters, DateTimeOffset now)
    {
        var filter = AuditRecordFilter.Parse(filters, new ValidationErrors());
        var outcomes = new Dictionary<AuditOutcome, long>();
        return new ExportDocument
        {
            Title = Title,
            TenantName = tenantName,
            PeriodFrom = filter.From,
            PeriodTo = filter.To,
            GeneratedAt = now,
            Columns = s_columns,
            Rows = RowsAsync(tenantServices.GetRequiredService<TenantraDbContext>(), tenantId, filter, outcomes),
            Totals = () => [new("Records", outcomes.Values.Sum().ToString("N0", CultureInfo.InvariantCulture)),
                .. outcomes.OrderBy(o => o.Key).Select(o => new ExportTotal(o.Key.ToString(), o.Value.ToString("N0", CultureInfo.InvariantCulture)))],
        };
    }

    private static async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync(
        TenantraDbContext db, Guid tenantId, AuditRecordFilter filter, Dictionary<AuditOutcome, long> outcomes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        outcomes.Clear(); // counted afresh on every enumeration
        var after = 0L;
        while (true)
        {
            var batch = await filter.Apply(db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId && r.Sequence > after))
                .OrderBy(r => r.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var r in batch)
            {
                outcomes[r.Outcome] = outcomes.GetValueOrDefault(r.Outcome) + 1;
                yield return
                [
                    r.Sequence.ToString(CultureInfo.InvariantCulture), r.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.ActorName, r.Action, r.TargetType, r.TargetId, r.Outcome.ToString(), r.SourceIp, r.RequestId, r.Hash,
                ];
            }

            if (batch.Count < BatchSize)
            {
                yield break;
            }

            after = batch[^1].Sequence;
        }
    }
}
