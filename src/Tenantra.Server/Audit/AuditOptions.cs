namespace Tenantra.Server.Audit;

/// <summary><c>Tenantra:Audit</c> settings.</summary>
public sealed class AuditOptions
{
    public const string Section = "Tenantra:Audit";

    /// <summary>How often each tenant's chain head is signed (when it moved), in minutes; 1 to 1440.</summary>
    public int AnchorIntervalMinutes { get; set; } = 60;

    /// <summary>Whether audit detections run at all (each tenant also switches each detection on or off).</summary>
    public bool DetectionsEnabled { get; set; } = true;
}
