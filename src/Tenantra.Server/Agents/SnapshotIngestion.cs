using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Integrity;
using Tenantra.Data;
using Tenantra.Server.Integrity;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Agents;

/// <summary>
/// Takes one uploaded snapshot (gzip of the JSON of <see cref="Snapshot"/>) from an authenticated
/// agent: decompresses within <see cref="SnapshotSchema.MaxUncompressedBytes"/> (a gzip bomb stops
/// there), parses strictly, validates every limit, then stores it once — the encrypted payload as
/// history and the entries as the asset's current state for that category, unless a newer snapshot
/// of the category is already current — and marks the asset seen, in the same save. For a category
/// under drift detection the same save makes its first snapshot the baseline and queues an
/// evaluation when what the category compares changed. Nothing is written for a rejected upload.
/// </summary>
public sealed class SnapshotIngestion(TenantraDbContext db, PayloadKeyRing keys, JobQueue jobs, BaselineStore baselines, IntegrityOptions integrity, TimeProvider clock)
{
    public abstract record Result;

    public sealed record Stored(Guid SnapshotId, bool Duplicate) : Result;

    public sealed record Rejected(int Status, string Title, IDictionary<string, string[]>? Errors = null) : Result;

    public async Task<Result> IngestAsync(Asset asset, byte[] body, CancellationToken cancellationToken)
    {
        if (body.Length < 2 || body[0] != 0x1f || body[1] != 0x8b)
        {
            return new Rejected(400, "The snapshot must be gzip-compressed JSON.", new Dictionary<string, string[]> { ["body"] = ["is not gzip data."] });
        }

        Snapshot? snapshot;
        var length = Decompress(body, out var json);
        try
        {
            if (length < 0)
            {
                return new Rejected(413, $"The snapshot is larger than {SnapshotSchema.MaxUncompressedBytes} bytes once decompressed.");
            }

            if (length == 0)
            {
                return new Rejected(400, "The snapshot is not valid gzip data.", new Dictionary<string, string[]> { ["body"] = ["is truncated or corrupt gzip data."] });
            }

            snapshot = JsonSerializer.Deserialize(json.AsSpan(0, length), AgentJsonContext.Default.Snapshot);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return new Rejected(400, "The snapshot is not valid JSON for schema version 1.", new Dictionary<string, string[]> { [field] = [Describe(ex)] });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }

        var errors = new ValidationErrors();
        SnapshotValidation.Validate(snapshot, clock.GetUtcNow(), errors);
        if (snapshot is null || !errors.IsEmpty)
        {
            return new Rejected(400, "The snapshot has invalid fields.", errors.ToDictionary());
        }

        if (await db.Snapshots.AnyAsync(s => s.AssetId == asset.Id && s.Id == snapshot.SnapshotId, cancellationToken))
        {
            await MarkSeenAsync(asset, cancellationToken);
            return new Stored(snapshot.SnapshotId, Duplicate: true);
        }

        return await StoreAsync(asset, snapshot, body, cancellationToken);
    }

    private async Task MarkSeenAsync(Asset asset, CancellationToken cancellationToken) =>
        await db.Assets.Where(a => a.Id == asset.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, clock.GetUtcNow()), cancellationToken);

    private async Task<Result> StoreAsync(Asset asset, Snapshot snapshot, byte[] body, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Stored in canonical order (which the content hash sorts into anyway): the drift diff then walks a state and its baseline in step.
        var entries = SnapshotContent.InCanonicalOrder(snapshot.Entries);
        var contentHash = SnapshotContent.Hash(entries);
        var (keyId, payload) = await keys.EncryptAsync(body, cancellationToken);
        db.Snapshots.Add(new SnapshotRecord
        {
            TenantId = asset.TenantId,
            AssetId = asset.Id,
            Id = snapshot.SnapshotId,
            Category = snapshot.Category,
            SchemaVersion = snapshot.SchemaVersion,
            CollectedAt = snapshot.CollectedAt,
            ReceivedAt = now,
            ContentHash = contentHash,
            EntryCount = snapshot.Entries.Count,
            KeyId = keyId,
            Payload = payload,
        });

        // Only the current state's time and hash are read: its entries (hundreds of KB) are replaced, never looked at.
        var current = await db.AssetStates
            .Where(s => s.AssetId == asset.Id && s.Category == snapshot.Category)
            .Select(s => new { s.CollectedAt, s.EvaluatedHash })
            .SingleOrDefaultAsync(cancellationToken);
        var currentCollectedAt = current?.CollectedAt;
        // Snapshots buffered offline may arrive after newer ones: only a newer one becomes current.
        if (currentCollectedAt is null || snapshot.CollectedAt >= currentCollectedAt)
        {
            var entriesJson = JsonSerializer.Serialize(entries, AgentJsonContext.Default.IReadOnlyListSnapshotEntry);
            var policy = IntegrityPolicies.For(snapshot.Category);
            var evaluatedHash = policy?.EvaluatedHash(entries, contentHash);
            if (policy is not null)
            {
                // The first snapshot of a category is its baseline, made here so no later snapshot can take its
                // place before the evaluation runs; drift is judged whenever what it compares changes.
                if (current is null && await baselines.FindAsync(asset.TenantId, asset.Id, snapshot.Category, cancellationToken) is null)
                {
                    await baselines.AddFirstAsync(asset, snapshot.Category, snapshot.SnapshotId, entriesJson, snapshot.Entries.Count, now, cancellationToken);
                }

                if (current?.EvaluatedHash != evaluatedHash)
                {
                    await DriftEvaluator.EnqueueCoalescedAsync(jobs, integrity, now, asset.TenantId, asset.Id, snapshot.Category, cancellationToken);
                }
            }

            var state = new AssetState
            {
                TenantId = asset.TenantId,
                AssetId = asset.Id,
                Category = snapshot.Category,
                SnapshotId = snapshot.SnapshotId,
                CollectedAt = snapshot.CollectedAt,
                ContentHash = contentHash,
                EvaluatedHash = evaluatedHash,
                EntryCount = snapshot.Entries.Count,
                EntriesJson = entriesJson,
            };
            if (currentCollectedAt is null)
            {
                db.AssetStates.Add(state);
            }
            else
            {
                db.AssetStates.Update(state);
            }
        }

        db.Assets.Attach(asset);
        asset.LastSeenAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new Stored(snapshot.SnapshotId, Duplicate: false);
        }
        catch (DbUpdateException)
        {
            // The same snapshot arrived twice at once (a retry racing the original): stored once.
            db.ChangeTracker.Clear();
            if (await db.Snapshots.AnyAsync(s => s.AssetId == asset.Id && s.Id == snapshot.SnapshotId, CancellationToken.None))
            {
                await MarkSeenAsync(asset, CancellationToken.None);
                return new Stored(snapshot.SnapshotId, Duplicate: true);
            }

            throw;
        }
    }

    /// <summary>
    /// Decompresses <paramref name="body"/> into <paramref name="json"/>, a buffer rented from the shared
    /// pool that the caller returns: the length, -1 when larger than the limit, 0 when corrupt or empty.
    /// </summary>
    internal static int Decompress(byte[] body, out byte[] json)
    {
        // Sized from the gzip trailer (the length modulo 2^32, as the sender claims it) so the buffer rarely
        // grows; a claim beyond 16 times the body is not believed up front (JSON of collected state compresses less).
        var claimed = body.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(body.Length - 4)) : 0;
        json = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Math.Min(claimed, 16L * body.Length) + 1, 4096, SnapshotSchema.MaxUncompressedBytes + 1));
        var length = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body, writable: false), CompressionMode.Decompress);
            int read;
            while ((read = gzip.Read(json, length, json.Length - length)) > 0)
            {
                length += read;
                if (length > SnapshotSchema.MaxUncompressedBytes)
                {
                    return -1;
                }

                if (length == json.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * json.Length, SnapshotSchema.MaxUncompressedBytes + 1));
                    json.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(json);
                    json = larger;
                }
            }

            return length;
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    private static string Describe(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known field."
        : ex.Message.Contains("maximum configured depth", StringComparison.Ordinal) ? "is nested too deeply."
        : ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type or format."
        : "is not valid JSON here.";
}
