using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Tenantra.Core.Audit;
using Tenantra.Server.Exports;

namespace Tenantra.Server.Audit;

/// <summary>
/// What audit exports carry as evidence: the chain check made when the export was written, the
/// signed anchors, the signing keys' public parts and — in the verifiable export — the seal over
/// exactly the records in the file. Appendix titles and column keys are the file format that
/// <see cref="AuditEvidenceFile"/> reads back.
/// </summary>
public static class AuditEvidence
{
    public const string SealTitle = "Seal";
    public const string AnchorsTitle = "Anchors";
    public const string KeysTitle = "Signing keys";

    public static readonly ExportColumn[] SealColumns =
    [
        new("tenantId", "Tenant id"), new("records", "Records"), new("firstSequence", "First"), new("lastSequence", "Last"),
        new("recordsDigest", "Records digest (SHA-256)"), new("sealedAt", "Sealed at (UTC)"), new("keyId", "Key"), new("signature", "Signature (ES256, r‖s, base64)"),
    ];

    public static readonly ExportColumn[] AnchorColumns =
    [
        new("sequence", "Record"), new("hash", "Record hash"), new("signedAt", "Signed at (UTC)"), new("keyId", "Key"), new("signature", "Signature (ES256, r‖s, base64)"),
    ];

    public static readonly ExportColumn[] KeyColumns = [new("keyId", "Key"), new("algorithm", "Algorithm"), new("publicKeyPem", "Public key (PEM)")];

    /// <summary>
    /// What an export says of the whole chain, gathered once however often its rows are written (a
    /// ZIP writes them twice): the chain check, the anchors and the published keys.
    /// </summary>
    public sealed class Facts(IServiceProvider tenantServices, Guid tenantId)
    {
        private Task<(AuditChainVerification Check, List<AuditAnchor> Anchors, IReadOnlyList<AuditSigningKey> Keys)>? _gathered;

        public Task<(AuditChainVerification Check, List<AuditAnchor> Anchors, IReadOnlyList<AuditSigningKey> Keys)> GetAsync(CancellationToken cancellationToken) =>
            _gathered ??= GatherAsync(cancellationToken);

        private async Task<(AuditChainVerification, List<AuditAnchor>, IReadOnlyList<AuditSigningKey>)> GatherAsync(CancellationToken cancellationToken)
        {
            var verification = tenantServices.GetRequiredService<AuditVerification>();
            return (await verification.VerifyAsync(tenantId, cancellationToken), await verification.AnchorsAsync(tenantId, cancellationToken),
                await tenantServices.GetRequiredService<AuditSigningKeys>().PublishedAsync(cancellationToken));
        }
    }

    /// <summary>
    /// Every hashed field of each record as a row of <see cref="AuditEvidenceFile.RecordColumns"/>;
    /// after the last, <paramref name="sealed"/> receives the seal <paramref name="signer"/> made over
    /// exactly these records in this order (the evidence export and archive segments).
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<string?>> SealedRowsAsync(
        IAsyncEnumerable<AuditRecord> records, Guid tenantId, ECDsa signer, DateTimeOffset now, Action<AuditSeal> @sealed,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var digest = new AuditRecordsDigest();
        long count = 0, first = 0, last = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            digest.Add(record.Sequence, record.Hash);
            first = count++ == 0 ? record.Sequence : first;
            last = record.Sequence;
            yield return AuditEvidenceFile.Row(record);
        }

        var seal = new AuditSeal(tenantId, count, first, last, digest.Finish(), AuditSignature.TruncateToMicroseconds(now), AuditSignature.KeyIdOf(signer), "");
        @sealed(seal with { Signature = AuditSignature.Sign(signer, seal.Statement) });
    }

    /// <summary>The chain check as totals lines.</summary>
    public static IReadOnlyList<ExportTotal> ChainTotals(AuditChainVerification check) =>
    [
        new("Chain check at export", check.IsValid ? $"valid: {N(check.RecordsChecked)} records" : $"BROKEN: {check.Problem}"),
        new("Signed anchors checked", check.AnchoredThrough is { } through
            ? $"{N(check.AnchorsChecked)}, the last vouching for records 1–{N(through)} at {Time(check.LastAnchoredAt!.Value)}"
            : "none yet"),
    ];

    /// <summary>
    /// The anchors that vouch for records <paramref name="first"/> to <paramref name="last"/>: those
    /// among them and the first one after (which covers every record before it).
    /// </summary>
    public static IEnumerable<AuditAnchor> Covering(IReadOnlyList<AuditAnchor> anchorsBySequence, long first, long last) =>
        anchorsBySequence.Where(a => a.Sequence >= first && a.Sequence <= last)
            .Concat(anchorsBySequence.Where(a => a.Sequence > last).Take(1));

    public static ExportAppendix Anchors(IEnumerable<AuditAnchor> anchors) =>
        new(AnchorsTitle, AnchorColumns, [.. anchors.Select(a => (IReadOnlyList<string?>)[N(a.Sequence), a.Hash, Time(a.SignedAt), a.KeyId, a.Signature])]);

    public static ExportAppendix Keys(IEnumerable<AuditSigningKey> keys) =>
        new(KeysTitle, KeyColumns, [.. keys.Select(k => (IReadOnlyList<string?>)[k.Id, AuditSignature.Algorithm, k.PublicKeyPem])]);

    public static ExportAppendix Seal(AuditSeal seal) =>
        new(SealTitle, SealColumns,
        [
            [seal.TenantId.ToString("D"), N(seal.Records), N(seal.FirstSequence), N(seal.LastSequence), seal.RecordsDigest, Time(seal.SealedAt), seal.KeyId, seal.Signature],
        ]);

    private static string Time(DateTimeOffset value) => AuditSignature.FormatTime(value);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A signed statement over exactly the records of one export, in file order (<see cref="AuditSignature.SealStatement"/>).</summary>
public sealed record AuditSeal(Guid TenantId, long Records, long FirstSequence, long LastSequence, string RecordsDigest, DateTimeOffset SealedAt, string KeyId, string Signature)
{
    public string Statement => AuditSignature.SealStatement(TenantId, Records, FirstSequence, LastSequence, RecordsDigest, SealedAt, KeyId);
}
