using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Integrity;

/// <summary>Integrity events: the list and overview, one event with its comments, triage, and approving drift into the baseline.</summary>
public static class IntegrityEventEndpoints
{
    public static void MapIntegrityEventEndpoints(this IEndpointRouteBuilder routes)
    {
        var integrity = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/integrity").WithTags("Integrity");
        integrity.MapGet("/events", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListIntegrityEvents").WithSummary("Drift events, newest first")
            .WithDescription("Paged; filters `from`/`to` (detection time, UTC), `status`, `active` (true: open or acknowledged), `minSeverity`, `category`, `assetId`, `kind`, `assigneeId`; `q` searches entry keys, kinds and changed values. Sort: `-detectedAt` (default), `severity`, `lastSeenAt`, `entryKey`. Export it as the `integrity-events` dataset.");
        integrity.MapGet("/events/{integrityEventId:guid}", Get).RequireTenant(Permission.AssetsRead)
            .WithName("GetIntegrityEvent").WithSummary("One event: the change field by field, the entry before and after, the rules that judged it, comments");
        integrity.MapPatch("/events/{integrityEventId:guid}", Triage).RequireTenant(Permission.IntegrityTriage).Validates<TriageEventRequest>()
            .WithName("TriageIntegrityEvent").WithSummary("Acknowledge, reopen or resolve an event, assign it, comment on it")
            .WithDescription("Resolving needs a resolution: fixed, accepted or false-positive. Drift someone resolved stays quiet while it is unchanged; approve it instead to make it the expected state.");
        integrity.MapPost("/events/{integrityEventId:guid}/comments", Comment).RequireTenant(Permission.IntegrityTriage).Validates<CommentEventRequest>()
            .WithName("CommentIntegrityEvent").WithSummary("Comment on an event");
        integrity.MapPost("/events/{integrityEventId:guid}/approve", Approve).RequireTenant(Permission.IntegrityTriage).Validates<ApproveDriftRequest>()
            .WithName("ApproveIntegrityEvent").WithSummary("Fold the drift into the asset's baseline")
            .WithDescription("The entry as last seen becomes expected (or, for a removal, no longer expected); audited with the comment. An asset following a golden baseline keeps it as an override.");
        integrity.MapGet("/overview", Overview).RequireTenant(Permission.AssetsRead)
            .WithName("GetIntegrityOverview").WithSummary("Active events by severity, detections per day, top assets and categories")
            .WithDescription("`days` (1–90, default 30) is the span of the per-day series.");
    }

    private static readonly SortKeys<IntegrityEvent> s_sortKeys = new("-detectedAt", e => e.Id, new Dictionary<string, System.Linq.Expressions.Expression<Func<IntegrityEvent, object?>>>
    {
        ["detectedAt"] = e => e.DetectedAt,
        ["severity"] = e => e.Severity,
        ["lastSeenAt"] = e => e.LastSeenAt,
        ["entryKey"] = e => e.EntryKey,
    });

    internal static IntegrityEventSummary Summary(IntegrityEvent e, string hostname) => new(
        e.Id, e.AssetId, hostname, e.Category, e.Kind, e.EntryKey, e.Change, e.Severity, e.RuleKeys, e.Status, e.Resolution, e.AssigneeId,
        e.DetectedAt, e.LastSeenAt, e.UpdatedAt);

    internal static async Task<Dictionary<Guid, string>> HostnamesAsync(TenantraDbContext db, Guid tenantId, IEnumerable<Guid> assetIds)
    {
        var ids = assetIds.Distinct().ToList();
        return await db.Assets.Where(a => a.TenantId == tenantId && ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Hostname);
    }

    private static async Task<Ok<Paged<IntegrityEventSummary>>> List(
        Guid tenantId, [AsParameters] PageRequest page, DateTimeOffset? from, DateTimeOffset? to, EnumFilter<IntegrityEventStatus>? status, bool? active,
        EnumFilter<NotificationSeverity>? minSeverity, string? category, Guid? assetId, string? kind, Guid? assigneeId, TenantraDbContext db)
    {
        var filter = new IntegrityEventFilter(from, to, status?.Value, active, minSeverity?.Value, Clip(category), assetId, Clip(kind), assigneeId, page.Search);
        var events = await s_sortKeys.Apply(filter.Apply(db.IntegrityEvents.Where(e => e.TenantId == tenantId)), page.Sort).ToPageAsync(page);
        var hostnames = await HostnamesAsync(db, tenantId, events.Items.Select(e => e.AssetId));
        return TypedResults.Ok(new Paged<IntegrityEventSummary>([.. events.Items.Select(e => Summary(e, hostnames.GetValueOrDefault(e.AssetId, "")))], events.Page, events.PageSize, events.Total));
    }

    private static string? Clip(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim()[..Math.Min(text.Trim().Length, 200)];

    private static async Task<Results<Ok<IntegrityEventDetail>, ProblemHttpResult>> Get(Guid tenantId, Guid integrityEventId, TenantraDbContext db)
    {
        if (await db.IntegrityEvents.SingleOrDefaultAsync(e => e.TenantId == tenantId && e.Id == integrityEventId) is not { } e)
        {
            return Problems.NotFound("Integrity event");
        }

        return TypedResults.Ok(await DetailAsync(db, e));
    }

    private static async Task<IntegrityEventDetail> DetailAsync(TenantraDbContext db, IntegrityEvent e)
    {
        var hostname = await db.Assets.Where(a => a.TenantId == e.TenantId && a.Id == e.AssetId).Select(a => a.Hostname).SingleOrDefaultAsync() ?? "";
        var assignee = e.AssigneeId is { } assigneeId ? await db.Users.Where(u => u.Id == assigneeId).Select(u => u.DisplayName).SingleOrDefaultAsync() : null;
        var comments = await db.IntegrityEventComments.Where(c => c.TenantId == e.TenantId && c.EventId == e.Id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new IntegrityCommentResponse(c.Id, c.AuthorId, c.AuthorName, c.Action, c.Text, c.CreatedAt)).ToListAsync();
        var tenantRules = await db.IntegrityRules.Where(r => r.TenantId == e.TenantId).ToListAsync();
        var rules = e.RuleKeys.Select(key => IntegrityRuleEndpoints.Describe(key, tenantRules)).OfType<SeverityRuleReference>().ToList();
        return new IntegrityEventDetail(
            Summary(e, hostname), assignee, FieldChanges(e.FieldsJson),
            Fields(e.BeforeJson), Fields(e.AfterJson), rules, e.SnapshotId, e.LastSnapshotId, comments);
    }

    /// <summary>What a "many changes" event stands for now: the changes below high between the current state and the baseline.</summary>
    private static async Task<List<(string Kind, string Key, IReadOnlyDictionary<string, string?>? After)>> ManyChangesAsync(TenantraDbContext db, DriftEvaluator evaluator, IntegrityEvent e)
    {
        var asset = await db.Assets.SingleAsync(a => a.TenantId == e.TenantId && a.Id == e.AssetId);
        var state = await db.AssetStates.SingleAsync(s => s.TenantId == e.TenantId && s.AssetId == e.AssetId && s.Category == e.Category);
        var own = await db.IntegrityBaselines.SingleAsync(b => b.TenantId == e.TenantId && b.Scope == IntegrityBaseline.AssetScope(e.AssetId) && b.Category == e.Category);
        var findings = await evaluator.FindingsAsync(asset, IntegrityPolicies.For(e.Category)!, own, BaselineStore.Parse(state.EntriesJson), CancellationToken.None);
        return [.. findings.Where(DriftEvaluator.IsBulk).Select(f => (f.Change.Kind, f.Change.Key, f.Change.Change == EntryChangeKind.Removed ? null : f.After?.Fields))];
    }

    internal static List<FieldChange> FieldChanges(string json) => JsonSerializer.Deserialize<List<FieldChange>>(json, IntegrityJson.Options) ?? [];

    internal static Dictionary<string, string?>? Fields(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(json, IntegrityJson.Options);

    private static async Task<Results<Ok<IntegrityEventDetail>, ProblemHttpResult, ValidationProblem>> Triage(
        Guid tenantId, Guid integrityEventId, TriageEventRequest request, TenantraDbContext db, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (await db.IntegrityEvents.AsTracking().SingleOrDefaultAsync(e => e.TenantId == tenantId && e.Id == integrityEventId) is not { } e)
        {
            return Problems.NotFound("Integrity event");
        }

        if (request.AssigneeId is { } assigneeId)
        {
            var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId);
            if (!(await NotificationRecipients.OfAsync(db, tenant, CancellationToken.None)).Any(r => r.UserId == assigneeId))
            {
                return Problems.Field("assigneeId", "is not a person with access to this tenant.");
            }
        }

        if (request.Status is not null && e.Status == IntegrityEventStatus.Approved)
        {
            return Problems.Conflict("The drift was approved into the baseline; the event is closed for good.");
        }

        var before = Summary(e, "");
        var now = clock.GetUtcNow();
        var author = await AuthorAsync(db, caller);
        if (request.Status is { } status && status != e.Status)
        {
            e.Status = status;
            e.Resolution = status == IntegrityEventStatus.Resolved ? request.Resolution : null;
            e.ClosedAt = status == IntegrityEventStatus.Resolved ? now : null;
            AddComment(db, e, author, status.ToString().ToLowerInvariant(), request.Comment ?? (request.Resolution is { } r ? $"Resolution: {r}." : ""), now);
        }
        else if (!string.IsNullOrWhiteSpace(request.Comment))
        {
            AddComment(db, e, author, null, request.Comment, now);
        }

        if (request.ClearAssignee == true)
        {
            e.AssigneeId = null;
        }
        else if (request.AssigneeId is { } assignee)
        {
            e.AssigneeId = assignee;
        }

        e.UpdatedAt = now;
        await audit.StageAsync(tenantId, new AuditEvent("integrity-event.triaged", "integrity-event", e.Id, Before: before, After: Summary(e, "")));
        await db.SaveChangesAsync();
        return TypedResults.Ok(await DetailAsync(db, e));
    }

    private static async Task<Results<Created<IntegrityCommentResponse>, ProblemHttpResult, ValidationProblem>> Comment(
        Guid tenantId, Guid integrityEventId, CommentEventRequest request, TenantraDbContext db, Caller caller, TimeProvider clock)
    {
        if (await db.IntegrityEvents.AsTracking().SingleOrDefaultAsync(e => e.TenantId == tenantId && e.Id == integrityEventId) is not { } e)
        {
            return Problems.NotFound("Integrity event");
        }

        var comment = AddComment(db, e, await AuthorAsync(db, caller), null, request.Text!.Trim(), clock.GetUtcNow());
        await db.SaveChangesAsync();
        // Comments are read with their event; there is no address of one comment alone.
        return TypedResults.Created((string?)null, new IntegrityCommentResponse(comment.Id, comment.AuthorId, comment.AuthorName, comment.Action, comment.Text, comment.CreatedAt));
    }

    private static async Task<Results<Ok<IntegrityEventDetail>, ProblemHttpResult, ValidationProblem>> Approve(
        Guid tenantId, Guid integrityEventId, ApproveDriftRequest request, TenantraDbContext db, BaselineStore baselines, DriftEvaluator evaluator, JobQueue jobs,
        Caller caller, AuditWriter audit, TimeProvider clock)
    {
        if (await db.IntegrityEvents.AsTracking().SingleOrDefaultAsync(e => e.TenantId == tenantId && e.Id == integrityEventId) is not { } e)
        {
            return Problems.NotFound("Integrity event");
        }

        if (!e.IsActive)
        {
            return Problems.Conflict("Only open or acknowledged drift can be approved: this event is closed.");
        }

        if (await baselines.FindAsync(tenantId, e.AssetId, e.Category) is not { } baseline)
        {
            return Problems.Conflict("The asset has no baseline for this category.");
        }

        var now = clock.GetUtcNow();
        var author = await AuthorAsync(db, caller);
        var revision = baseline.Revision;
        var changes = e.Kind == DriftEvaluator.ManyChangesKind
            ? await ManyChangesAsync(db, evaluator, e)
            : [(e.Kind, e.EntryKey, e.Change == EntryChangeKind.Removed ? null : Fields(e.AfterJson))];
        BaselineStore.Fold(baseline, changes);
        baseline.UpdatedAt = now;
        baseline.UpdatedBy = caller.UserIdOrNull;
        baseline.Comment = request.Comment!.Trim();
        e.Status = IntegrityEventStatus.Approved;
        e.Resolution = Resolutions.Approved;
        e.ClosedAt = now;
        e.UpdatedAt = now;
        AddComment(db, e, author, "approved", baseline.Comment, now);
        DriftEvaluator.Enqueue(jobs, tenantId, e.AssetId, e.Category);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-baseline.drift-approved", "integrity-event", e.Id,
            Before: new { revision }, After: new { baseline.Revision, e.Kind, e.EntryKey, Change = e.Change.ToString(), Entries = changes.Count, baseline.Comment }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(await DetailAsync(db, e));
    }

    private static async Task<(Guid? Id, string Name)> AuthorAsync(TenantraDbContext db, Caller caller) =>
        caller.UserIdOrNull is { } userId
            ? (userId, await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync() ?? caller.Email ?? "")
            : (null, "API token");

    private static IntegrityEventComment AddComment(TenantraDbContext db, IntegrityEvent e, (Guid? Id, string Name) author, string? action, string text, DateTimeOffset now) =>
        db.IntegrityEventComments.Add(new IntegrityEventComment
        {
            TenantId = e.TenantId,
            EventId = e.Id,
            AuthorId = author.Id,
            AuthorName = author.Name,
            Action = action,
            Text = text.Trim(),
            CreatedAt = now,
        }).Entity;

    private static async Task<Results<Ok<IntegrityOverview>, ValidationProblem>> Overview(Guid tenantId, int? days, TenantraDbContext db, TimeProvider clock)
    {
        if (days is < 1 or > 90)
        {
            return Problems.Field("days", "must be 1–90.");
        }

        var span = days ?? 30;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(1 - span).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var events = db.IntegrityEvents.Where(e => e.TenantId == tenantId);
        var active = events.Where(e => e.Status == IntegrityEventStatus.Open || e.Status == IntegrityEventStatus.Acknowledged);
        var activeBySeverity = await active.GroupBy(e => e.Severity).Select(g => new SeverityCount(g.Key, g.Count())).ToListAsync();
        var recent = await events.Where(e => e.DetectedAt >= since).Select(e => new { e.DetectedAt, e.Severity }).ToListAsync();
        var detected = Enumerable.Range(0, span).Select(i => today.AddDays(1 - span + i)).Select(day => new IntegrityDay(day, [.. recent
            .Where(e => DateOnly.FromDateTime(e.DetectedAt.UtcDateTime) == day).GroupBy(e => e.Severity).OrderByDescending(g => g.Key)
            .Select(g => new SeverityCount(g.Key, g.Count()))])).ToList();
        var byAsset = await active.GroupBy(e => e.AssetId).Select(g => new { AssetId = g.Key, Count = g.Count(), Highest = g.Max(e => e.Severity) })
            .OrderByDescending(g => g.Highest).ThenByDescending(g => g.Count).Take(10).ToListAsync();
        var hostnames = await HostnamesAsync(db, tenantId, byAsset.Select(a => a.AssetId));
        var categories = await events.GroupBy(e => e.Category)
            .Select(g => new IntegrityCategoryCount(g.Key, g.Count(e => e.Status == IntegrityEventStatus.Open || e.Status == IntegrityEventStatus.Acknowledged), g.Count()))
            .ToListAsync();
        return TypedResults.Ok(new IntegrityOverview(
            span, [.. activeBySeverity.OrderByDescending(c => c.Severity)], detected,
            [.. byAsset.Select(a => new IntegrityAssetCount(a.AssetId, hostnames.GetValueOrDefault(a.AssetId, ""), a.Count, a.Highest))],
            [.. categories.OrderBy(c => c.Category, StringComparer.Ordinal)]));
    }
}
