namespace Tenantra.Core.Agents;

/// <summary>
/// One uploaded snapshot, kept as history for the drift engine: the gzip of its JSON, encrypted
/// under the payload key <see cref="KeyId"/>. <see cref="Id"/> is the agent's snapshot id (the
/// idempotency key); <see cref="ContentHash"/> is the SHA-256 of its entries in canonical order.
/// </summary>
public sealed class SnapshotRecord : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid AssetId { get; init; }
    public Guid Id { get; init; }
    public required string Category { get; init; }
    public int SchemaVersion { get; init; }
    public DateTimeOffset CollectedAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public required string ContentHash { get; init; }
    public int EntryCount { get; init; }
    public int KeyId { get; init; }
    public required byte[] Payload { get; init; }
}
