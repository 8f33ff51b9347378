using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
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

    /// <summary>Stages an evaluation of <paramref name="category"/> on <paramref name="assetId"/> in the caller's transaction, to run at once (a baseline changed).</summary>
    public static void Enqueue(JobQueue jobs, Guid tenantId, Guid assetId, string category) =>
        jobs.Enqueue(Kind, tenantId, new Payload(assetId, category));

    /// <summary>
    /// Stages an evaluation after new content arrived, <see cref="IntegrityOptions.EvaluationDelaySeconds"/>
    /// from now, unless one is already waiting: a burst of uploads is judged once, on the latest state.
    /// </summary>
    public static Task EnqueueCoalescedAsync(JobQueue jobs, IntegrityOptions options, DateTimeOffset now, Guid tenantId, Guid assetId, string category, CancellationToken cancellationToken) =>
        jobs.EnqueueUnlessWaitingAsync(Kind, tenantId, new Payload(assetId, category), now.AddSeconds(options.EvaluationDelaySeconds), cancellationToken);

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

        var findings = await FindingsAsync(asset, policy, own, current, cancellationToken);
        var (opened, updated, reverted) = await ReconcileAsync(asset, state, findings, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return JsonSerializer.Serialize(new { findings = findings.Count, opened, updated, reverted });
    }

    /// <summary>The judged differences between <paramref name="current"/> and what the asset is expected to have, suppressions applied.</summary>
    public async Task<List<DriftFinding>> FindingsAsync(Asset asset, IntegrityPolicy policy, IntegrityBaseline own, IReadOnlyList<SnapshotEntry> current, CancellationToken cancellationToken)
    {
        var expected = await baselines.EffectiveAsync(asset, own, cancellationToken) ?? [];
        var suppressions = new Suppressions(
            await db.IntegritySuppressions.Where(s => s.TenantId == asset.TenantId && (s.AssetId == null || s.AssetId == asset.Id)).ToListAsync(cancellationToken), asset.Id, policy.Category);
        var rules = SeverityRuleSet.For(await db.IntegrityRules.Where(r => r.TenantId == asset.TenantId).ToListAsync(cancellationToken));
        return DriftEvaluation.Evaluate(policy, expected, current, suppressions, rules);
    }

    /// <summary>
    /// More than this many changes below high in one category of one asset (an upgrade, a reimage, a
    /// wrong baseline) make one "many changes" event instead of an event each; high and critical
    /// changes always get their own.
    /// </summary>
    public const int MaxEntryEvents = 50;

    /// <summary>The kind and key of the one event that stands for many changes below high.</summary>
    public const string ManyChangesKind = "many-changes";

    public const string ManyChangesKey = "(many entries)";

    /// <summary>Whether a finding is covered by the "many changes" event when there is one.</summary>
    public static bool IsBulk(DriftFinding finding) => finding.Severity < NotificationSeverity.High;

    /// <summary>The findings that get events of their own, and the one that stands for the rest (or null).</summary>
    public static (List<DriftFinding> Own, DriftFinding? Many, List<DriftFinding> Covered) Split(List<DriftFinding> findings)
    {
        var bulk = findings.Where(IsBulk).ToList();
        if (bulk.Count <= MaxEntryEvents)
        {
            return (findings, null, []);
        }

        int Count(EntryChangeKind kind) => bulk.Count(f => f.Change.Change == kind);
        var summary = new EntryChange(EntryChangeKind.Modified, ManyChangesKind, ManyChangesKey,
        [
            new FieldChange("added", null, Count(EntryChangeKind.Added).ToString(CultureInfo.InvariantCulture)),
            new FieldChange("removed", null, Count(EntryChangeKind.Removed).ToString(CultureInfo.InvariantCulture)),
            new FieldChange("modified", null, Count(EntryChangeKind.Modified).ToString(CultureInfo.InvariantCulture)),
            new FieldChange("fingerprint", null, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', bulk.Select(f => Fingerprint(f.Change)).Order(StringComparer.Ordinal)))))),
        ]);
        // The entry it stands for lists the first twenty changes; the diff viewer has them all.
        var sample = bulk.Take(20).Select((f, i) => (f, i)).ToDictionary(
            x => $"change {x.i + 1:D2}", x => (string?)$"{x.f.Change.Change.ToString().ToLowerInvariant()} {x.f.Change.Kind} {x.f.Change.Key}");
        var many = new DriftFinding(summary, null, new SnapshotEntry(ManyChangesKind, ManyChangesKey, sample),
            bulk.Max(f => f.Severity), [.. bulk.SelectMany(f => f.RuleKeys).Distinct().Take(10)]);
        return ([.. findings.Where(f => !IsBulk(f))], many, bulk);
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
        var (own, many, covered) = Split(findings);
        foreach (var finding in covered)
        {
            // Drift the "many changes" event stands for keeps the event it has (if any) as it is.
            active.Remove((finding.Change.Kind, finding.Change.Key));
        }

        foreach (var finding in many is null ? own : [.. own, many])
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
