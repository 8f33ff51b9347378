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
/// The audit trail as an export: the list's filters, oldest first. As evidence it carries the
/// chain check made while exporting and the signed anchors that vouch for the records it lists
/// (<see cref="AuditEvidenceExport"/> is the form an outsider verifies record by record).
/// </summary>
public sealed class AuditRecordsExport : IExportDataset
{
    public const string DatasetKey = "audit-records";

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
        var evidence = new List<ExportAppendix>();
        var chain = new List<ExportTotal>();
        return new ExportDocument
        {
            Title = Title,
            TenantName = tenantName,
            PeriodFrom = filter.From,
            PeriodTo = filter.To,
            GeneratedAt = now,
            Columns = s_columns,
            Rows = RowsAsync(tenantServices, tenantId, filter, new AuditEvidence.Facts(tenantServices, tenantId), outcomes, chain, evidence),
            Totals = () => [new("Records", outcomes.Values.Sum().ToString("N0", CultureInfo.InvariantCulture)),
                .. outcomes.OrderBy(o => o.Key).Select(o => new ExportTotal(o.Key.ToString(), o.Value.ToString("N0", CultureInfo.InvariantCulture))), .. chain],
            Appendices = () => evidence,
        };
    }

    private static async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync(
        IServiceProvider services, Guid tenantId, AuditRecordFilter filter, AuditEvidence.Facts facts, Dictionary<AuditOutcome, long> outcomes, List<ExportTotal> chain, List<ExportAppendix> evidence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Counted afresh on every enumeration.
        outcomes.Clear();
        chain.Clear();
        evidence.Clear();
        var db = services.GetRequiredService<TenantraDbContext>();
        var (check, anchors, keys) = await facts.GetAsync(cancellationToken);
        chain.AddRange(AuditEvidence.ChainTotals(check));
        long first = 0, last = 0;
        await foreach (var r in filter.StreamAsync(db, tenantId, cancellationToken))
        {
            first = first == 0 ? r.Sequence : first;
            last = r.Sequence;
            outcomes[r.Outcome] = outcomes.GetValueOrDefault(r.Outcome) + 1;
            yield return
            [
                r.Sequence.ToString(CultureInfo.InvariantCulture), r.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.ActorName, r.Action, r.TargetType, r.TargetId, r.Outcome.ToString(), r.SourceIp, r.RequestId, r.Hash,
            ];
        }

        evidence.Add(AuditEvidence.Anchors(AuditEvidence.Covering(anchors, first, last)));
        evidence.Add(AuditEvidence.Keys(keys));
    }
}
