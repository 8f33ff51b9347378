using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Core.Audit;

/// <summary>
/// What audit signatures sign, and checking them. Statements are short UTF-8 texts, one field per
/// line, so an auditor can rebuild and check one with standard tools (for example
/// <c>openssl dgst -sha256 -verify key.pem</c> after converting r‖s to DER):
/// <code>
/// tenantra-audit-anchor-v1          tenantra-audit-seal-v1
/// {tenant id}                       {tenant id}
/// {sequence}                        {records} {first sequence} {last sequence}
/// {record hash}                     {records digest}
/// {signed at, UTC, microseconds}    {sealed at, UTC, microseconds}
/// {key id}                          {key id}
/// </code>
/// The records digest is SHA-256 over one line <c>{sequence} {hash}\n</c> per record, in file
/// order. An archive segment's statement is <c>tenantra-audit-segment-v1</c>, tenant, first and last
/// sequence, the first record's previous hash, the last record's hash, SHA-256 of the stored
/// (compressed) content, time and key id. Signatures are ECDSA P-256 with SHA-256, r‖s (IEEE P1363), base64.
/// </summary>
public static class AuditSignature
{
    public const string Algorithm = "ES256";

    public static string AnchorStatement(Guid tenantId, long sequence, string hash, DateTimeOffset signedAt, string keyId) =>
        string.Join('\n', "tenantra-audit-anchor-v1", tenantId.ToString("D"), sequence.ToString(CultureInfo.InvariantCulture), hash, FormatTime(signedAt), keyId);

    public static string SealStatement(Guid tenantId, long records, long firstSequence, long lastSequence, string digest, DateTimeOffset sealedAt, string keyId) =>
        string.Join('\n', "tenantra-audit-seal-v1", tenantId.ToString("D"),
            string.Create(CultureInfo.InvariantCulture, $"{records} {firstSequence} {lastSequence}"), digest, FormatTime(sealedAt), keyId);

    public static string SegmentStatement(AuditArchiveSegment segment) =>
        string.Join('\n', "tenantra-audit-segment-v1", segment.TenantId.ToString("D"),
            string.Create(CultureInfo.InvariantCulture, $"{segment.FirstSequence} {segment.LastSequence}"), segment.PreviousHash, segment.LastHash,
            segment.ContentSha256, FormatTime(segment.SignedAt), segment.KeyId);

    /// <summary>
    /// Whether the segment's signature is one of <paramref name="keys"/>' over its statement, and its
    /// content is the content signed (false for anything malformed, never an exception).
    /// </summary>
    public static bool IsAuthentic(AuditArchiveSegment segment, IReadOnlyDictionary<string, ECDsa> keys) =>
        keys.TryGetValue(segment.KeyId, out var key)
        && string.Equals(Convert.ToHexStringLower(SHA256.HashData(segment.Content)), segment.ContentSha256, StringComparison.Ordinal)
        && IsValid(key, SegmentStatement(segment), segment.Signature);

    public static string Sign(ECDsa key, string statement) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(statement), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>Whether <paramref name="signature"/> is a valid signature of the statement by the key (false for malformed input, never an exception).</summary>
    public static bool IsValid(ECDsa key, string statement, string signature)
    {
        Span<byte> raw = stackalloc byte[128];
        return Convert.TryFromBase64String(signature, raw, out var length)
            && key.VerifyData(Encoding.UTF8.GetBytes(statement), raw[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public static AuditAnchor SignAnchor(ECDsa key, Guid tenantId, long sequence, string hash, DateTimeOffset now)
    {
        var keyId = KeyIdOf(key);
        var signedAt = TruncateToMicroseconds(now);
        return new AuditAnchor
        {
            TenantId = tenantId,
            Sequence = sequence,
            Hash = hash,
            SignedAt = signedAt,
            KeyId = keyId,
            Signature = Sign(key, AnchorStatement(tenantId, sequence, hash, signedAt, keyId)),
        };
    }

    /// <summary>Whether one of <paramref name="keys"/> (by key id) signed the anchor as it stands.</summary>
    public static bool IsAuthentic(AuditAnchor anchor, IReadOnlyDictionary<string, ECDsa> keys) =>
        keys.TryGetValue(anchor.KeyId, out var key)
        && IsValid(key, AnchorStatement(anchor.TenantId, anchor.Sequence, anchor.Hash, anchor.SignedAt, anchor.KeyId), anchor.Signature);

    /// <summary>A key's id: the first 16 hex digits of SHA-256 over its SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>Public keys from PEM text (one or more <c>PUBLIC KEY</c> blocks), by key id.</summary>
    /// <exception cref="ArgumentException">The text holds no P-256 public key.</exception>
    public static Dictionary<string, ECDsa> PublicKeys(string pem)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("PUBLIC KEY"))
            {
                var key = ECDsa.Create();
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(rest[fields.Base64Data].ToString()), out _);
                if (key.KeySize != 256)
                {
                    throw new ArgumentException("Audit signing keys are ECDSA P-256.");
                }

                keys[KeyIdOf(key)] = key;
            }

            rest = rest[fields.Location.End..];
        }

        return keys.Count > 0 ? keys : throw new ArgumentException("No PUBLIC KEY block found.");
    }

    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>A time as statements state it: UTC, microseconds, e.g. <c>2026-11-22T18:00:00.000000Z</c>.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        TruncateToMicroseconds(value).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>How <see cref="FormatTime"/> writes: UTC, microseconds, <c>Z</c>.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
}

/// <summary>The records digest of a seal: SHA-256 over <c>{sequence} {hash}\n</c> for each record in order, lower-case hex.</summary>
public sealed class AuditRecordsDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(long sequence, string hash) =>
        _hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{sequence} {hash}\n")));

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
