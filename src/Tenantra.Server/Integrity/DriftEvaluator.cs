using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Agents;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Integrity;

/// <summary>
/// The <c>integrity.evaluate</c> job: compares the current state of one category of one asset
/// with its baseline and brings the integrity events in line — new drift opens an event (high and
/// critical ones are published as notifications), drift that changed again updates its event and
/// reopens it, drift that went back to the baseline resolves its event, and drift someone resolved
/// stays quiet while it is unchanged. It judges the current state, so it is safe to run again and
/// in any order. Queued by ingestion when a category's content changes (ingestion stages the
/// first baseline with the first snapshot) and by every baseline change.
/// </summary>
public sealed class DriftEvaluator(TenantraDbContext db, BaselineStore baselines, NotificationPublisher notifications, TimeProvider clock) : IJobHandler
{
    public const string Kind = "integrity.evaluate";

    public sealed record Payload(Guid AssetId, string Category);

    /// <summary>Stages an evaluation of <paramref name="category"/> on <paramref name="assetId"/> in the caller's transaction.</summary>
    public static void Enqueue(JobQueue jobs, Guid tenantId, Guid assetId, string category) =>
        jobs.Enqueue(Kind, tenantId, new Payload(assetId, category));

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var (assetId, category) = run.Payload<Payload>();
        var tenantId = run.Job.TenantId!.Value;
        var policy = IntegrityPolicies.For(category) ?? throw new PermanentJobFailureException($"\"{category}\" is not a category under drift detection.");
        var asset = await db.Assets.SingleOrDefaultAsync(a => a.TenantId == tenantId && a.Id == assetId, cancellationToken);
        var state = await db.AssetStates.SingleOrDefaultAsync(s => s.TenantId == tenantId && s.AssetId == assetId && s.Category == category, cancellationToken);
        if (asset is null || state is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var current = BaselineStore.Parse(state.EntriesJson);
        var own = await baselines.FindAsync(tenantId, assetId, category, cancellationToken);
        if (own is null)
        {
            // Ingestion makes the first baseline with the first snapshot; this covers states older than integrity.
            own = await baselines.AddFirstAsync(asset, state.Category, state.SnapshotId, state.EntriesJson, current.Count, now, cancellationToken);
            if (!own.FollowsGolden)
            {
                await db.SaveChangesAsync(cancellationToken);
                return JsonSerializer.Serialize(new { baseline = "created", entries = current.Count });
            }
        }

        var expected = await baselines.EffectiveAsync(asset, own, cancellationToken) ?? [];
        var suppressions = new Suppressions(
            await db.IntegritySuppressions.Where(s => s.TenantId == tenantId && (s.AssetId == null || s.AssetId == assetId)).ToListAsync(cancellationToken), assetId, category);
        var rules = SeverityRuleSet.For(await db.IntegrityRules.Where(r => r.TenantId == tenantId).ToListAsync(cancellationToken));
        var findings = DriftEvaluation.Evaluate(policy, expected, current, suppressions, rules);
        var (opened, updated, reverted) = await ReconcileAsync(asset, state, findings, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return JsonSerializer.Serialize(new { findings = findings.Count, opened, updated, reverted });
    }

    private async Task<(int Opened, int Updated, int Reverted)> ReconcileAsync(
        Asset asset, AssetState state, List<DriftFinding> findings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var active = await db.IntegrityEvents.AsTracking()
            .Where(e => e.TenantId == asset.TenantId && e.AssetId == asset.Id && e.Category == state.Category
                && (e.Status == IntegrityEventStatus.Open || e.Status == IntegrityEventStatus.Acknowledged))
            .ToDictionaryAsync(e => (e.Kind, e.EntryKey), cancellationToken);
        var settled = (await db.IntegrityEvents
            .Where(e => e.TenantId == asset.TenantId && e.AssetId == asset.Id && e.Category == state.Category
                && e.Status == IntegrityEventStatus.Resolved && e.Resolution != Resolutions.Reverted)
            .Select(e => e.Fingerprint).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        int opened = 0, updated = 0;
        foreach (var finding in findings)
        {
            var fingerprint = Fingerprint(finding.Change);
            if (active.Remove((finding.Change.Kind, finding.Change.Key), out var existing))
            {
                existing.LastSeenAt = now;
                existing.LastSnapshotId = state.SnapshotId;
                if (existing.Fingerprint != fingerprint)
                {
                    Update(existing, finding, fingerprint, now);
                    updated++;
                    Publish(asset, existing, finding);
                }

                continue;
            }

            if (settled.Contains(fingerprint))
            {
                continue;
            }

            var opening = new IntegrityEvent
            {
                TenantId = asset.TenantId,
                AssetId = asset.Id,
                Category = state.Category,
                Kind = finding.Change.Kind,
                EntryKey = finding.Change.Key,
                FieldsJson = "[]",
                Fingerprint = fingerprint,
                SnapshotId = state.SnapshotId,
                DetectedAt = now,
            };
            Update(opening, finding, fingerprint, now);
            opening.Status = IntegrityEventStatus.Open;
            opening.LastSnapshotId = state.SnapshotId;
            opening.LastSeenAt = now;
            db.IntegrityEvents.Add(opening);
            opened++;
            Publish(asset, opening, finding);
        }

        foreach (var gone in active.Values)
        {
            gone.Status = IntegrityEventStatus.Resolved;
            gone.Resolution = Resolutions.Reverted;
            gone.ClosedAt = now;
            gone.UpdatedAt = now;
            db.IntegrityEventComments.Add(new IntegrityEventComment
            {
                TenantId = gone.TenantId,
                EventId = gone.Id,
                AuthorName = "Tenantra",
                Action = "resolved",
                Text = $"Back to the baseline in the snapshot of {state.CollectedAt:u}.",
                CreatedAt = now,
            });
        }

        return (opened, updated, active.Count);
    }

    private void Update(IntegrityEvent e, DriftFinding finding, string fingerprint, DateTimeOffset now)
    {
        if (e.Status == IntegrityEventStatus.Acknowledged)
        {
            // Drift that changes again after someone looked at it needs looking at again.
            e.Status = IntegrityEventStatus.Open;
            db.IntegrityEventComments.Add(new IntegrityEventComment
            {
                TenantId = e.TenantId,
                EventId = e.Id,
                AuthorName = "Tenantra",
                Action = "reopened",
                Text = "The entry changed again.",
                CreatedAt = now,
            });
        }

        e.Change = finding.Change.Change;
        e.Severity = finding.Severity;
        e.RuleKeys = [.. finding.RuleKeys];
        e.FieldsJson = JsonSerializer.Serialize(finding.Change.Fields, IntegrityJson.Options);
        e.BeforeJson = finding.Before is null ? null : JsonSerializer.Serialize(finding.Before.Fields, IntegrityJson.Options);
        e.AfterJson = finding.After is null ? null : JsonSerializer.Serialize(finding.After.Fields, IntegrityJson.Options);
        e.Fingerprint = fingerprint;
        e.UpdatedAt = now;
    }

    /// <summary>High and critical drift goes out through the notification engine; drift on one asset folds within the throttle window.</summary>
    private void Publish(Asset asset, IntegrityEvent e, DriftFinding finding)
    {
        if (finding.Severity < NotificationSeverity.High)
        {
            return;
        }

        var rule = finding.RuleKeys.Count > 0 ? ShippedSeverityRules.All.FirstOrDefault(r => r.Key == finding.RuleKeys[0])?.Title ?? finding.RuleKeys[0] : null;
        notifications.Publish(asset.TenantId, new NotificationDraft(
            NotificationCatalog.DriftDetected,
            $"{rule ?? "Drift"}: {finding.Change.Key} on {asset.Hostname}",
            finding.Severity,
            Fingerprint: $"drift:{asset.Id:N}:{e.Category}",
            Link: $"/integrity-events/{e.Id}",
            Facts: new Dictionary<string, string>
            {
                ["asset"] = asset.Hostname,
                ["category"] = e.Category,
                ["change"] = finding.Change.Change.ToString().ToLowerInvariant(),
                ["entry"] = $"{finding.Change.Kind} {finding.Change.Key}",
                ["rules"] = string.Join(", ", finding.RuleKeys),
            }));
    }

    /// <summary>SHA-256 over the identity and the change, field by field.</summary>
    public static string Fingerprint(EntryChange change)
    {
        var text = new StringBuilder().Append(change.Change).Append('\0').Append(change.Kind).Append('\0').Append(change.Key);
        foreach (var field in change.Fields.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append('\0').Append(field.Name).Append('\0').Append(field.Before).Append('\0').Append(field.After);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>Why an integrity event closed.</summary>
public static class Resolutions
{
    public const string Reverted = "reverted";
    public const string Fixed = "fixed";
    public const string Accepted = "accepted";
    public const string FalsePositive = "false-positive";
    public const string Approved = "approved";

    /// <summary>What a person may give when resolving (reverted is the system's, approved is its own action).</summary>
    public static readonly IReadOnlyList<string> Chosen = [Fixed, Accepted, FalsePositive];
}

internal static class IntegrityJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
