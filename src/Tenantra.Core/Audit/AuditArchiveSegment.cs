namespace Tenantra.Core.Audit;

/// <summary>
/// A run of a tenant's oldest audit records, moved out of the live table once older than the
/// archive window: records <see cref="FirstSequence"/> to <see cref="LastSequence"/> as a
/// gzip-compressed evidence file (every hashed field, the anchors among them, the public keys and a
/// seal), the same format as the <c>audit-evidence</c> export. It ends at a signed anchor, so it is
/// verifiable on its own, offline. The server also signs the segment itself — its range, the hashes
/// that link it into the chain and the SHA-256 of its content — so verification of the database
/// takes an intact segment as a whole and reads the records only of one that is not. Append-only
/// for the application: the retention issue purges whole segments.
/// </summary>
public sealed class AuditArchiveSegment : ITenantScoped
{
    public Guid TenantId { get; init; }
    public long FirstSequence { get; init; }
    public long LastSequence { get; init; }

    /// <summary>How many records the segment holds: its records run without gaps.</summary>
    public int Records => (int)(LastSequence - FirstSequence + 1);

    public DateTimeOffset FirstOccurredAt { get; init; }
    public DateTimeOffset LastOccurredAt { get; init; }
    public DateTimeOffset ArchivedAt { get; init; }

    /// <summary>The evidence file's JSON, gzip-compressed.</summary>
    public required byte[] Content { get; init; }

    /// <summary>Bytes of the JSON before compression, for the list's ratio.</summary>
    public long UncompressedBytes { get; init; }

    /// <summary>The previous hash of the first record: the hash of the record before the segment.</summary>
    public string PreviousHash { get; init; } = "";

    /// <summary>The hash of the last record.</summary>
    public string LastHash { get; init; } = "";

    /// <summary>SHA-256 of <see cref="Content"/>, lower-case hex.</summary>
    public string ContentSha256 { get; init; } = "";

    public DateTimeOffset SignedAt { get; init; }

    public string KeyId { get; init; } = "";

    /// <summary>ES256 over <see cref="AuditSignature.SegmentStatement"/>.</summary>
    public string Signature { get; set; } = "";
}
