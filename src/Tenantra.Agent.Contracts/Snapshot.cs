namespace Tenantra.Agent.Contracts;

/// <summary>
/// What an agent collected for one category at one moment. <see cref="SnapshotId"/> is chosen by the
/// agent when it collects and is the upload's idempotency key: the same snapshot sent twice is
/// stored once. Version 1 of the wire schema (<see cref="SnapshotSchema.Version"/>).
/// </summary>
public sealed record Snapshot(int SchemaVersion, Guid SnapshotId, string Category, DateTimeOffset CollectedAt, IReadOnlyList<SnapshotEntry> Entries);

/// <summary>
/// One collected item, keyed by its natural identity within its kind (a unit name, a cron source
/// plus line, a registry key path plus value name, a task path, a file path…). Fields are flat
/// strings so that any later comparison is field by field; absent and null are the same.
/// </summary>
public sealed record SnapshotEntry(string Kind, string Key, IReadOnlyDictionary<string, string?> Fields);

public static class SnapshotSchema
{
    public const int Version = 1;

    /// <summary>Largest upload accepted, compressed (the server answers 413 above it).</summary>
    public const int MaxCompressedBytes = 8 * 1024 * 1024;

    /// <summary>Largest upload accepted once decompressed (a gzip bomb stops here).</summary>
    public const int MaxUncompressedBytes = 64 * 1024 * 1024;

    public const int MaxEntries = 200_000;
    public const int MaxKindLength = 64;
    public const int MaxKeyLength = 1024;
    public const int MaxFieldsPerEntry = 64;
    public const int MaxFieldNameLength = 64;
    public const int MaxFieldValueLength = 32 * 1024;
}

/// <summary>The categories a snapshot can be of; each is a tab of the asset page and has its own collection interval.</summary>
public static class SnapshotCategories
{
    public const string Boot = "boot";
    public const string Services = "services";
    public const string Scheduled = "scheduled";
    public const string Autoruns = "autoruns";
    public const string Processes = "processes";
    public const string Network = "network";
    public const string CloudProfiles = "cloud-profiles";

    public static readonly IReadOnlyList<string> All = [Boot, Services, Scheduled, Autoruns, Processes, Network, CloudProfiles];

    public static bool IsKnown(string category) => All.Contains(category);

    /// <summary>How often each category is collected unless the tenant's policy says otherwise, in seconds.</summary>
    public static readonly IReadOnlyDictionary<string, int> DefaultIntervalSeconds = new Dictionary<string, int>
    {
        [Boot] = 3600,
        [Services] = 900,
        [Scheduled] = 900,
        [Autoruns] = 900,
        [Processes] = 300,
        [Network] = 300,
        [CloudProfiles] = 3600,
    };
}
