namespace Tenantra.Server.Audit;

/// <summary><c>Tenantra:Audit</c> settings.</summary>
public sealed class AuditOptions
{
    public const string Section = "Tenantra:Audit";

    /// <summary>How often each tenant's chain head is signed (when it moved), in minutes; 1 to 1440.</summary>
    public int AnchorIntervalMinutes { get; set; } = 60;

    /// <summary>
    /// Records older than this many days move into compressed, signed archive segments (only records an
    /// anchor already vouches for); 0 keeps every record live.
    /// </summary>
    public int ArchiveAfterDays { get; set; } = 90;

    /// <summary>At most this many records per archive segment; 1 to 1,000,000.</summary>
    public int ArchiveSegmentRecords { get; set; } = 50_000;

    /// <summary>Whether audit detections run at all (each tenant also switches each detection on or off).</summary>
    public bool DetectionsEnabled { get; set; } = true;
}
