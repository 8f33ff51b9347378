using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Audit;

/// <summary>
/// The <c>audit.detect</c> job: reads a tenant's audit records after the last one it examined and
/// raises an alert — listed on the tenant's alerts page and published as an <c>audit.suspicious</c>
/// notification — for each detection the tenant has on that fires: repeated failed sign-ins per
/// user and per address, a sign-in from an address never seen for the user, admin rights granted,
/// a second factor disabled, API tokens created or used off-hours, mass deletes and mass exports,
/// audit settings changed, enrollment tokens without expiry. Queued (coalesced) by the audit writer
/// with every record. Counting detections fire once, on the record that reaches the threshold; each
/// alert has a fingerprint, so running again raises nothing twice.
/// </summary>
public sealed class AuditDetector(TenantraDbContext db, NotificationPublisher notifications, JobQueue jobs, TimeProvider clock) : IJobHandler
{
    public const string Kind = "audit.detect";

    public const int BatchSize = 500;

    /// <summary>How long a queued run waits, so the records of a burst are read in one run.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>Records already this old when first read raise nothing: history from before detections were on.</summary>
    private static readonly TimeSpan s_stale = TimeSpan.FromDays(1);

    private static readonly Expression<Func<AuditRecord, bool>> s_failedSignIn = r =>
        r.Outcome == AuditOutcome.Failure && (r.Action == "sign-in.failed" || r.Action == "sign-in.locked-out" || r.Action == "sign-in.two-factor-failed");

    private static readonly Expression<Func<AuditRecord, bool>> s_deletion = r =>
        r.Outcome == AuditOutcome.Success && (r.Action.EndsWith(".deleted") || r.Action.EndsWith(".revoked") || r.Action.StartsWith("DELETE "));

    private static readonly Expression<Func<AuditRecord, bool>> s_export = r =>
        r.Outcome == AuditOutcome.Success && (r.Action == "export.downloaded" || (r.Action.StartsWith("POST ") && r.Action.EndsWith("/exports/")));

    private static readonly Func<AuditRecord, bool> s_isFailedSignIn = s_failedSignIn.Compile();
    private static readonly Func<AuditRecord, bool> s_isDeletion = s_deletion.Compile();
    private static readonly Func<AuditRecord, bool> s_isExport = s_export.Compile();

    public sealed record Payload;

    /// <summary>Stages a detection run for the tenant in the caller's transaction, <see cref="Delay"/> from now, unless one is already waiting.</summary>
    public static Task<bool> EnqueueAsync(JobQueue jobs, Guid tenantId, DateTimeOffset now, CancellationToken cancellationToken) =>
        jobs.EnqueueUnlessWaitingAsync(Kind, tenantId, new Payload(), now + Delay, cancellationToken);

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var tenantId = run.Job.TenantId!.Value;
        var state = await db.AuditDetectionStates.AsTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken)
            ?? db.AuditDetectionStates.Add(new AuditDetectionState { TenantId = tenantId }).Entity;
        var settings = AuditDetectionSettingsJson.Read(state.SettingsJson);
        var zoneId = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(cancellationToken);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) ? found : TimeZoneInfo.Utc;
        var examined = state.ExaminedThrough;
        var records = await db.AuditRecords.AsNoTracking().Where(r => r.TenantId == tenantId && r.Sequence > examined)
            .OrderBy(r => r.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var raised = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.OccurredAt >= now - s_stale)
            {
                foreach (var alert in await DetectAsync(record, settings, zone, now, cancellationToken))
                {
                    if (raised.Add(alert.Fingerprint) && !await db.AuditAlerts.AnyAsync(a => a.TenantId == tenantId && a.Fingerprint == alert.Fingerprint, cancellationToken))
                    {
                        db.AuditAlerts.Add(alert);
                        Publish(alert);
                    }
                }
            }

            state.ExaminedThrough = record.Sequence;
        }

        await db.SaveChangesAsync(cancellationToken);

        // More records than one run reads, or records committed while this run read (their writers may have
        // counted on this run): another run for them.
        var head = await db.AuditChainHeads.Where(h => h.TenantId == tenantId).Select(h => h.LastSequence).SingleOrDefaultAsync(cancellationToken);
        if (head > state.ExaminedThrough && await EnqueueAsync(jobs, tenantId, clock.GetUtcNow(), cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return JsonSerializer.Serialize(new { examined = records.Count, raised = raised.Count, through = state.ExaminedThrough });
    }

    private async Task<List<AuditAlert>> DetectAsync(AuditRecord r, AuditDetectionSettings settings, TimeZoneInfo zone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var alerts = new List<AuditAlert>();
        void Raise(AuditDetection detection, string detail, string query, string fingerprint, long first, int records) =>
            alerts.Add(Alert(r, detection, detail, query, $"{detection}:{fingerprint}", first, records, now));

        if (s_isFailedSignIn(r))
        {
            if (settings.FailedSignInsPerUser is { Enabled: true } perUser && r.ActorName is { } who
                && await ReachedAsync(r, perUser, x => x.ActorName == who, s_failedSignIn, cancellationToken) is { } byUser)
            {
                Raise(AuditDetection.FailedSignInsPerUser, $"{perUser.Count} failed sign-ins for {who} within {perUser.WindowMinutes} minutes",
                    Query(("q", who), ("outcome", "failure")), $"{who}:{r.Sequence}", byUser, perUser.Count);
            }

            if (settings.FailedSignInsPerAddress is { Enabled: true } perAddress && r.SourceIp is { } ip
                && await ReachedAsync(r, perAddress, x => x.SourceIp == ip, s_failedSignIn, cancellationToken) is { } byAddress)
            {
                Raise(AuditDetection.FailedSignInsPerAddress, $"{perAddress.Count} failed sign-ins from {ip} within {perAddress.WindowMinutes} minutes",
                    Query(("sourceIp", ip), ("outcome", "failure")), $"{ip}:{r.Sequence}", byAddress, perAddress.Count);
            }
        }

        if (settings.NewSignInAddress && r is { Action: "sign-in.succeeded", ActorUserId: { } userId, SourceIp: { } from }
            && await db.AuditRecords.AnyAsync(x => x.TenantId == r.TenantId && x.Sequence < r.Sequence && x.Action == "sign-in.succeeded" && x.ActorUserId == userId && x.SourceIp != null, cancellationToken)
            && !await db.AuditRecords.AnyAsync(x => x.TenantId == r.TenantId && x.Sequence < r.Sequence && x.Action == "sign-in.succeeded" && x.ActorUserId == userId && x.SourceIp == from, cancellationToken))
        {
            Raise(AuditDetection.NewSignInAddress, $"{r.ActorName ?? userId.ToString()} signed in from {from}, an address never seen for them", Query(("record", $"{r.Sequence}")), $"{userId}:{from}", r.Sequence, 1);
        }

        // Grants by people (a user or a token); the operator's own commands at the server (first admin, demo data) are not suspicious.
        if (settings.AdminGrant && r.Outcome == AuditOutcome.Success && (r.ActorUserId ?? r.ActorTokenId) is not null
            && r.Action is "membership.created" or "membership.updated" or "user.created" or "invitation.accepted"
            && IsAdmin(r.After) && !IsAdmin(r.Before))
        {
            Raise(AuditDetection.AdminGrant, $"{r.ActorName ?? "system"} granted the admin role ({r.Action}, {r.TargetType} {r.TargetId})", Query(("record", $"{r.Sequence}")), $"{r.Sequence}", r.Sequence, 1);
        }

        if (settings.SecondFactorDisabled && r is { Action: "user.two-factor-disabled", Outcome: AuditOutcome.Success })
        {
            Raise(AuditDetection.SecondFactorDisabled, $"{r.ActorName ?? "someone"} disabled the second factor of user {r.TargetId}", Query(("record", $"{r.Sequence}")), $"{r.Sequence}", r.Sequence, 1);
        }

        if (settings.OffHoursTokens is { Enabled: true } hours && hours.IsOffHours(r.OccurredAt, zone))
        {
            if (r is { Action: "api-token.created", Outcome: AuditOutcome.Success })
            {
                Raise(AuditDetection.OffHoursToken, $"{r.ActorName ?? "someone"} created API token {r.TargetId} off-hours", Query(("record", $"{r.Sequence}")), $"created:{r.Sequence}", r.Sequence, 1);
            }
            else if (r.ActorTokenId is { } tokenId)
            {
                var day = TimeZoneInfo.ConvertTime(r.OccurredAt, zone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                Raise(AuditDetection.OffHoursToken, $"API token {tokenId} of {r.ActorName ?? "someone"} used off-hours ({r.Action})", Query(("record", $"{r.Sequence}")), $"used:{tokenId}:{day}", r.Sequence, 1);
            }
        }

        var actor = r.ActorUserId?.ToString() ?? r.ActorTokenId?.ToString();
        if (settings.MassDelete is { Enabled: true } deletes && actor is not null && s_isDeletion(r)
            && await ReachedAsync(r, deletes, SameActor(r), s_deletion, cancellationToken) is { } firstDelete)
        {
            Raise(AuditDetection.MassDelete, $"{r.ActorName ?? actor} deleted or revoked {deletes.Count} things within {deletes.WindowMinutes} minutes",
                Query(("q", r.ActorName ?? actor)), $"{actor}:{r.Sequence}", firstDelete, deletes.Count);
        }

        if (settings.MassExport is { Enabled: true } exports && actor is not null && s_isExport(r)
            && await ReachedAsync(r, exports, SameActor(r), s_export, cancellationToken) is { } firstExport)
        {
            Raise(AuditDetection.MassExport, $"{r.ActorName ?? actor} requested or downloaded {exports.Count} exports within {exports.WindowMinutes} minutes",
                Query(("q", r.ActorName ?? actor)), $"{actor}:{r.Sequence}", firstExport, exports.Count);
        }

        if (settings.AuditSettingsChanged && r.Outcome == AuditOutcome.Success
            && (r.Action == AuditDetectionEndpoints.SettingsChangedAction || (r.Action == "feature.set" && r.TargetId == "audit")))
        {
            Raise(AuditDetection.AuditSettingsChanged, $"{r.ActorName ?? "someone"} changed the audit settings ({r.Action})", Query(("record", $"{r.Sequence}")), $"{r.Sequence}", r.Sequence, 1);
        }

        if (settings.EnrollmentTokenWithoutExpiry && r is { Action: "enrollment-token.created", Outcome: AuditOutcome.Success } && Property(r.After, "expiresAt") is null)
        {
            Raise(AuditDetection.EnrollmentTokenWithoutExpiry, $"{r.ActorName ?? "someone"} created enrollment token {r.TargetId} without an expiry", Query(("record", $"{r.Sequence}")), $"{r.Sequence}", r.Sequence, 1);
        }

        return alerts;
    }

    /// <summary>
    /// When <paramref name="r"/> is the record that brings the matching records within the window up
    /// to the threshold (so a burst fires once), the sequence of the first of them; otherwise null.
    /// </summary>
    private async Task<long?> ReachedAsync(
        AuditRecord r, AuditThreshold threshold, Expression<Func<AuditRecord, bool>> same, Expression<Func<AuditRecord, bool>> kind, CancellationToken cancellationToken)
    {
        var since = r.OccurredAt.AddMinutes(-threshold.WindowMinutes);
        var window = db.AuditRecords.Where(x => x.TenantId == r.TenantId && x.Sequence <= r.Sequence && x.OccurredAt > since).Where(kind).Where(same);
        return await window.CountAsync(cancellationToken) == threshold.Count ? await window.MinAsync(x => x.Sequence, cancellationToken) : null;
    }

    private static Expression<Func<AuditRecord, bool>> SameActor(AuditRecord r) =>
        r.ActorUserId is { } user ? x => x.ActorUserId == user : x => x.ActorTokenId == r.ActorTokenId;

    private void Publish(AuditAlert alert) =>
        notifications.Publish(alert.TenantId, new NotificationDraft(
            NotificationCatalog.SuspiciousAuditAction, $"{alert.Title}: {alert.Detail}", alert.Severity, alert.Fingerprint,
            $"/t/{alert.TenantId}/audit?{alert.RecordsQuery}",
            new Dictionary<string, string>
            {
                ["detection"] = alert.Title,
                ["actor"] = alert.ActorName ?? "—",
                ["source IP"] = alert.SourceIp ?? "—",
                ["records"] = $"{alert.FirstSequence}–{alert.LastSequence}",
            }));

    private static AuditAlert Alert(AuditRecord r, AuditDetection detection, string detail, string query, string fingerprint, long first, int records, DateTimeOffset now)
    {
        var (title, severity) = AuditDetectionCatalog.Describe(detection);
        return new AuditAlert
        {
            TenantId = r.TenantId,
            Detection = detection,
            Severity = severity,
            Title = title,
            Detail = detail.Length <= 2000 ? detail : detail[..2000],
            ActorUserId = r.ActorUserId,
            ActorName = r.ActorName,
            SourceIp = r.SourceIp,
            FirstSequence = first,
            LastSequence = r.Sequence,
            Records = records,
            RecordsQuery = query.Length <= 1000 ? query : query[..1000],
            OccurredAt = r.OccurredAt,
            RaisedAt = now,
            Fingerprint = fingerprint.Length <= 300 ? fingerprint : fingerprint[..300],
        };
    }

    private static string Query(params (string Name, string Value)[] values) =>
        string.Join('&', values.Select(v => $"{v.Name}={Uri.EscapeDataString(v.Value)}"));

    /// <summary>Whether an audited object's role is admin (the role is written as its name or its number).</summary>
    private static bool IsAdmin(string? json) => Property(json, "role") is { } role
        && (role.GetValueKind() == JsonValueKind.Number ? role.GetValue<int>() == (int)Role.Admin : string.Equals(role.ToString(), nameof(Role.Admin), StringComparison.OrdinalIgnoreCase));

    private static JsonNode? Property(string? json, string name)
    {
        try
        {
            return json is null ? null : JsonNode.Parse(json) is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
