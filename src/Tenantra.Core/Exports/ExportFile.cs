namespace Tenantra.Core.Exports;

/// <summary>
/// One export a user asked for: which dataset, in which format, with which filters. A job
/// (<see cref="JobId"/>) writes the file in the background; its status and progress are the job's.
/// The file's size, rows and SHA-256 are recorded when it is written. Only the requester sees it,
/// and only while they still hold the dataset's permission; it expires after a week.
/// </summary>
public sealed class ExportFile : ITenantScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; init; }

    /// <summary>The dataset key, e.g. "audit-records".</summary>
    public required string Dataset { get; init; }

    /// <summary>csv, json, pdf or zip.</summary>
    public required string Format { get; init; }

    /// <summary>The dataset's filters as the request gave them (JSON object of strings).</summary>
    public string Filters { get; init; } = "{}";

    public Guid RequestedByUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public Guid JobId { get; set; }

    public long? Rows { get; set; }

    public long? SizeBytes { get; set; }

    public string? Sha256 { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
}
