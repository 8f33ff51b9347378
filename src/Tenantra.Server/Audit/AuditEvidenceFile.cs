using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tenantra.Core.Audit;
using Tenantra.Server.Exports;

namespace Tenantra.Server.Audit;

/// <summary>The outcome of checking an evidence file: valid only when <see cref="Problems"/> is empty.</summary>
public sealed record AuditFileVerification(long Records, bool FromFirstRecord, int AnchorsChecked, string? SealedBy, IReadOnlyList<string> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The JSON evidence export (<see cref="AuditEvidenceExport"/>), written and checked offline with
/// only the server's public key(s): the seal must be signed by one of them and cover exactly the
/// records in the file, in order; each record's hash must match its fields, follow the one before
/// it wherever their sequences are adjacent (and the genesis hash for record 1); each anchor must be
/// signed by one of the keys and state the hash of its record when the file has it. Every problem
/// found is reported (up to <see cref="MaxProblems"/>), not only the first.
/// </summary>
public static class AuditEvidenceFile
{
    public const int MaxProblems = 50;

    public static readonly ExportColumn[] RecordColumns =
    [
        new("sequence", "Sequence"), new("id", "Id"), new("occurredAt", "Occurred at (UTC)"), new("actorUserId", "Actor user"), new("actorTokenId", "Actor token"),
        new("actorName", "Actor"), new("onBehalfOfTenantId", "On behalf of"), new("action", "Action"), new("targetType", "Target type"), new("targetId", "Target"),
        new("before", "Before"), new("after", "After"), new("sourceIp", "Source IP"), new("userAgent", "User agent"), new("requestId", "Request id"),
        new("outcome", "Outcome"), new("previousHash", "Previous hash"), new("hash", "Hash"),
    ];

    /// <summary>A record as a row of <see cref="RecordColumns"/>: every hashed field, exactly.</summary>
    public static IReadOnlyList<string?> Row(AuditRecord r) =>
    [
        r.Sequence.ToString(CultureInfo.InvariantCulture), r.Id.ToString("D"), AuditSignature.FormatTime(r.OccurredAt), r.ActorUserId?.ToString("D"), r.ActorTokenId?.ToString("D"),
        r.ActorName, r.OnBehalfOfTenantId?.ToString("D"), r.Action, r.TargetType, r.TargetId, r.Before, r.After, r.SourceIp, r.UserAgent, r.RequestId,
        r.Outcome.ToString(), r.PreviousHash, r.Hash,
    ];

    public static AuditFileVerification Verify(Stream json, IReadOnlyDictionary<string, ECDsa> trustedKeys)
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return new AuditFileVerification(0, false, 0, null, [$"not a JSON export: {ex.Message}"]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                return new AuditFileVerification(0, false, 0, null, ["not an audit evidence export: no rows"]);
            }

            var seal = ReadSeal(Appendix(root, AuditEvidence.SealTitle), problems);
            var tenantId = seal?.TenantId ?? Guid.Empty;
            if (seal is not null)
            {
                if (!trustedKeys.TryGetValue(seal.KeyId, out var sealKey))
                {
                    problems.Add($"the seal is signed with key {seal.KeyId}, which is not one of the trusted public keys");
                }
                else if (!AuditSignature.IsValid(sealKey, seal.Statement, seal.Signature))
                {
                    problems.Add("the seal's signature does not verify: the seal was altered");
                }
            }

            var hashes = new Dictionary<long, string>();
            using var digest = new AuditRecordsDigest();
            long count = 0, first = 0, previous = 0;
            var previousHash = "";
            foreach (var row in rows.EnumerateArray())
            {
                count++;
                if (Record(row, tenantId, count, problems) is not { } record)
                {
                    continue;
                }

                digest.Add(record.Sequence, record.Hash);
                first = count == 1 ? record.Sequence : first;
                if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
                {
                    Add(problems, $"record {record.Sequence}: its hash does not match its fields (changed)");
                }

                if (count > 1 && record.Sequence <= previous)
                {
                    Add(problems, $"record {record.Sequence} comes after record {previous}: reordered or repeated");
                }
                else if ((count > 1 && record.Sequence == previous + 1 && record.PreviousHash != previousHash)
                    || (record.Sequence == 1 && record.PreviousHash != AuditChain.GenesisHash))
                {
                    Add(problems, $"record {record.Sequence}: its previous hash is not the hash of record {record.Sequence - 1}");
                }

                hashes.TryAdd(record.Sequence, record.Hash);
                previous = record.Sequence;
                previousHash = record.Hash;
            }

            if (seal is not null && (seal.Records != count || seal.FirstSequence != first || seal.LastSequence != previous || seal.RecordsDigest != digest.Finish()))
            {
                Add(problems, $"the records are not the ones sealed: the file has {count} (records {first}–{previous}), the seal covers {seal.Records} (records {seal.FirstSequence}–{seal.LastSequence}) with another digest — records were removed, added, changed or reordered");
            }

            var anchors = CheckAnchors(Appendix(root, AuditEvidence.AnchorsTitle), tenantId, hashes, trustedKeys, problems);
            return new AuditFileVerification(count, first == 1, anchors, seal?.KeyId, problems);
        }
    }

    /// <summary>
    /// The records of an evidence file this server wrote (an archive segment), in file order, without
    /// checking them — the chain verifier does, and a field spelled otherwise but meaning the same
    /// hashes the same. A file or row that does not read is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static List<AuditRecord> ReadRecords(Stream json, Guid tenantId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("no rows");
            }

            var records = new List<AuditRecord>(rows.GetArrayLength());
            var problems = new List<string>(1);
            foreach (var row in rows.EnumerateArray())
            {
                records.Add(Record(row, tenantId, records.Count + 1, problems, exactly: false) ?? throw new InvalidDataException(problems[0]));
            }

            return records;
        }
    }

    private static int CheckAnchors(JsonElement? appendix, Guid tenantId, Dictionary<long, string> hashes, IReadOnlyDictionary<string, ECDsa> keys, List<string> problems)
    {
        var checkedAnchors = 0;
        foreach (var row in Rows(appendix))
        {
            if (!long.TryParse(Text(row, "sequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                || !DateTimeOffset.TryParse(Text(row, "signedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
            {
                Add(problems, "an anchor has no readable record number or time");
                continue;
            }

            var anchor = new AuditAnchor
            {
                TenantId = tenantId,
                Sequence = sequence,
                Hash = Text(row, "hash") ?? "",
                SignedAt = signedAt,
                KeyId = Text(row, "keyId") ?? "",
                Signature = Text(row, "signature") ?? "",
            };
            if (!AuditSignature.IsAuthentic(anchor, keys))
            {
                Add(problems, $"the anchor at record {sequence} is not signed by a trusted key for this tenant (altered or forged)");
            }
            else if (hashes.TryGetValue(sequence, out var hash) && hash != anchor.Hash)
            {
                Add(problems, $"record {sequence}: its hash differs from the one anchored {anchor.SignedAt.UtcDateTime:u}");
            }

            checkedAnchors++;
        }

        return checkedAnchors;
    }

    private static AuditSeal? ReadSeal(JsonElement? appendix, List<string> problems)
    {
        var rows = Rows(appendix).ToList();
        if (rows.Count != 1)
        {
            problems.Add("the file has no seal: it is not an audit evidence export, or the seal was removed");
            return null;
        }

        var row = rows[0];
        if (Guid.TryParse(Text(row, "tenantId"), out var tenantId)
            && long.TryParse(Text(row, "records"), NumberStyles.None, CultureInfo.InvariantCulture, out var records)
            && long.TryParse(Text(row, "firstSequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var firstSequence)
            && long.TryParse(Text(row, "lastSequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var lastSequence)
            && DateTimeOffset.TryParse(Text(row, "sealedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sealedAt))
        {
            return new AuditSeal(tenantId, records, firstSequence, lastSequence, Text(row, "recordsDigest") ?? "", sealedAt, Text(row, "keyId") ?? "", Text(row, "signature") ?? "");
        }

        problems.Add("the seal is unreadable");
        return null;
    }

    /// <summary>The row as a record, when every field reads and (<paramref name="exactly"/>) is written exactly as the export writes it (no other spelling of the same value).</summary>
    private static AuditRecord? Record(JsonElement row, Guid tenantId, long position, List<string> problems, bool exactly = true)
    {
        var v = RecordValues(row);
        AuditRecord record;
        try
        {
            record = new AuditRecord
            {
                TenantId = tenantId,
                Sequence = long.Parse(Required(v, 0), NumberStyles.None, CultureInfo.InvariantCulture),
                Id = Guid.Parse(Required(v, 1)),
                OccurredAt = Time(Required(v, 2)),
                ActorUserId = OptionalId(v[3]),
                ActorTokenId = OptionalId(v[4]),
                ActorName = v[5],
                OnBehalfOfTenantId = OptionalId(v[6]),
                Action = Required(v, 7),
                TargetType = v[8],
                TargetId = v[9],
                Before = v[10],
                After = v[11],
                SourceIp = v[12],
                UserAgent = v[13],
                RequestId = v[14],
                Outcome = Enum.Parse<AuditOutcome>(Required(v, 15)),
                PreviousHash = Required(v, 16),
                Hash = Required(v, 17),
            };
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidOperationException or KeyNotFoundException)
        {
            Add(problems, $"row {position}: unreadable ({ex.Message})");
            return null;
        }

        var canonical = exactly ? Row(record) : [];
        for (var i = 0; i < canonical.Count; i++)
        {
            if (!string.Equals(canonical[i], v[i], StringComparison.Ordinal))
            {
                Add(problems, $"row {position}: {RecordColumns[i].Key} is not written as exported (altered)");
                return null;
            }
        }

        return record;
    }

    /// <summary>
    /// A row's string values in <see cref="RecordColumns"/> order, in one pass over its properties (the
    /// export writes them in that order; another order reads too, and a repeated name's last value wins).
    /// </summary>
    private static string?[] RecordValues(JsonElement row)
    {
        var values = new string?[RecordColumns.Length];
        if (row.ValueKind != JsonValueKind.Object)
        {
            return values;
        }

        var expected = 0;
        foreach (var property in row.EnumerateObject())
        {
            var column = expected < s_recordKeys.Length && property.NameEquals(s_recordKeys[expected])
                ? expected
                : Array.FindIndex(s_recordKeys, key => property.NameEquals(key));
            if (column >= 0)
            {
                values[column] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                expected = column + 1;
            }
        }

        return values;
    }

    private static readonly byte[][] s_recordKeys = [.. RecordColumns.Select(c => System.Text.Encoding.UTF8.GetBytes(c.Key))];

    /// <summary>A time as <see cref="AuditSignature.FormatTime"/> writes it (quickly), or any other ISO 8601 spelling.</summary>
    private static DateTimeOffset Time(string text) =>
        DateTime.TryParseExact(text, AuditSignature.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var exact)
            ? new DateTimeOffset(exact, TimeSpan.Zero)
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static JsonElement? Appendix(JsonElement root, string title) =>
        root.TryGetProperty("appendices", out var appendices) && appendices.ValueKind == JsonValueKind.Array
            ? appendices.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object && a.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == title)
                .Select(a => (JsonElement?)a).FirstOrDefault()
            : null;

    private static IEnumerable<JsonElement> Rows(JsonElement? appendix) =>
        appendix is { } a && a.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array
            ? rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
            : [];

    private static string? Text(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(string?[] values, int column) => values[column] ?? throw new FormatException($"{RecordColumns[column].Key} is missing");

    private static Guid? OptionalId(string? text) => text is null ? null : Guid.Parse(text);

    private static void Add(List<string> problems, string problem)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Add(problem);
        }
    }
}
