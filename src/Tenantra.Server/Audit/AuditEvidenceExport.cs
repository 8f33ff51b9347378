using System.Globalization;
using System.Runtime.CompilerServices;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Exports;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Audit;

/// <summary>
/// The audit trail as evidence an outsider can verify: every hashed field of every record (the
/// list's filters, oldest first), the chain check made while exporting, the anchors that cover the
/// records, the public keys, and a seal — the server's signature over exactly these records in this
/// order. Its JSON form is what <c>tenantra audit verify --file</c> checks with only a public key.
/// </summary>
public sealed class AuditEvidenceExport : IExportDataset
{
    public const string DatasetKey = "audit-evidence";

    public string Key => DatasetKey;

    public string Title => "Audit trail evidence (verifiable)";

    public Permission Permission => Permission.AuditRead;

    public void Validate(IReadOnlyDictionary<string, string> filters, ValidationErrors errors) => AuditRecordFilter.Parse(filters, errors);

    public ExportDocument Document(IServiceProvider tenantServices, Guid tenantId, string tenantName, IReadOnlyDictionary<string, string> filters, DateTimeOffset now)
    {
        var filter = AuditRecordFilter.Parse(filters, new ValidationErrors());
        var evidence = new Collected();
        return new ExportDocument
        {
            Title = Title,
            TenantName = tenantName,
            PeriodFrom = filter.From,
            PeriodTo = filter.To,
            GeneratedAt = now,
            Columns = AuditEvidenceFile.RecordColumns,
            Rows = RowsAsync(tenantServices, tenantId, filter, new AuditEvidence.Facts(tenantServices, tenantId), now, evidence),
            Totals = () => evidence.Totals,
            Appendices = () => evidence.Appendices,
        };
    }

    private static async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync(
        IServiceProvider services, Guid tenantId, AuditRecordFilter filter, AuditEvidence.Facts facts, DateTimeOffset now, Collected evidence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (check, anchors, published) = await facts.GetAsync(cancellationToken);
        var signer = await services.GetRequiredService<AuditSigningKeys>().SignerAsync(cancellationToken);
        var records = filter.StreamAsync(services.GetRequiredService<TenantraDbContext>(), tenantId, cancellationToken);
        await foreach (var row in AuditEvidence.SealedRowsAsync(records, tenantId, signer, now, Sealed, cancellationToken))
        {
            yield return row;
        }

        void Sealed(AuditSeal seal)
        {
            evidence.Totals = [new("Records", seal.Records.ToString("N0", CultureInfo.InvariantCulture)), .. AuditEvidence.ChainTotals(check)];
            evidence.Appendices =
            [
                AuditEvidence.Seal(seal),
                AuditEvidence.Anchors(AuditEvidence.Covering(anchors, seal.FirstSequence, seal.LastSequence)),
                AuditEvidence.Keys(published),
            ];
        }
    }

    /// <summary>What the rows' enumeration found, for the totals and appendices written after them.</summary>
    private sealed class Collected
    {
        public IReadOnlyList<ExportTotal> Totals { get; set; } = [];

        public IReadOnlyList<ExportAppendix> Appendices { get; set; } = [];
    }
}
