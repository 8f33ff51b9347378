using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Data;
using Tenantra.Server.Agents;

namespace Tenantra.Server.Integrity;

/// <summary>Reads an asset's stored snapshots back: the encrypted gzip payload, decrypted and parsed.</summary>
public sealed class SnapshotHistory(TenantraDbContext db, PayloadKeyRing keys)
{
    /// <summary>The entries and collection time of one snapshot of the asset and category, or null when there is no such snapshot.</summary>
    public async Task<(IReadOnlyList<SnapshotEntry> Entries, DateTimeOffset CollectedAt)?> LoadAsync(
        Guid tenantId, Guid assetId, string category, Guid snapshotId, CancellationToken cancellationToken = default)
    {
        var record = await db.Snapshots.SingleOrDefaultAsync(
            s => s.TenantId == tenantId && s.AssetId == assetId && s.Category == category && s.Id == snapshotId, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var body = await keys.DecryptAsync(record.KeyId, record.Payload, cancellationToken);
        var length = SnapshotIngestion.Decompress(body, out var json);
        try
        {
            var snapshot = JsonSerializer.Deserialize(json.AsSpan(0, Math.Max(length, 0)), AgentJsonContext.Default.Snapshot)
                ?? throw new InvalidDataException($"Snapshot {snapshotId} is empty.");
            return (snapshot.Entries, record.CollectedAt);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }
}
