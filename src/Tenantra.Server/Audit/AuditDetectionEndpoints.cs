using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Audit;

public sealed record AuditAlertResponse(
    Guid Id, AuditDetection Detection, NotificationSeverity Severity, string Title, string Detail, Guid? ActorUserId, string? ActorName, string? SourceIp,
    long FirstSequence, long LastSequence, int Records, string RecordsQuery, DateTimeOffset OccurredAt, DateTimeOffset RaisedAt);

/// <summary>A tenant's detection settings as sent: every part is required; a threshold needs a count and a window when it is on.</summary>
public sealed record AuditDetectionSettingsRequest(
    AuditThreshold? FailedSignInsPerUser,
    AuditThreshold? FailedSignInsPerAddress,
    bool? NewSignInAddress,
    bool? AdminGrant,
    bool? SecondFactorDisabled,
    AuditWorkingHours? OffHoursTokens,
    AuditThreshold? MassDelete,
    AuditThreshold? MassExport,
    bool? AuditSettingsChanged,
    bool? EnrollmentTokenWithoutExpiry) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        Threshold(errors, "failedSignInsPerUser", FailedSignInsPerUser);
        Threshold(errors, "failedSignInsPerAddress", FailedSignInsPerAddress);
        Threshold(errors, "massDelete", MassDelete);
        Threshold(errors, "massExport", MassExport);
        Flag(errors, "newSignInAddress", NewSignInAddress);
        Flag(errors, "adminGrant", AdminGrant);
        Flag(errors, "secondFactorDisabled", SecondFactorDisabled);
        Flag(errors, "auditSettingsChanged", AuditSettingsChanged);
        Flag(errors, "enrollmentTokenWithoutExpiry", EnrollmentTokenWithoutExpiry);
        if (OffHoursTokens is not { } hours)
        {
            errors.Add("offHoursTokens", "is required.");
        }
        else if (hours.StartHour is < 0 or > 23 || hours.EndHour is < 1 or > 24 || hours.StartHour >= hours.EndHour)
        {
            errors.Add("offHoursTokens.startHour", "Working hours run from a start hour (0–23) to a later end hour (1–24).");
        }
    }

    public AuditDetectionSettings ToSettings() => new(
        FailedSignInsPerUser!, FailedSignInsPerAddress!, NewSignInAddress!.Value, AdminGrant!.Value, SecondFactorDisabled!.Value, OffHoursTokens!,
        MassDelete!, MassExport!, AuditSettingsChanged!.Value, EnrollmentTokenWithoutExpiry!.Value);

    private static void Threshold(ValidationErrors errors, string field, AuditThreshold? threshold)
    {
        if (threshold is null)
        {
            errors.Add(field, "is required.");
        }
        else if (threshold.Count is < 1 or > AuditThreshold.MaxCount)
        {
            errors.Add($"{field}.count", $"must be between 1 and {AuditThreshold.MaxCount}.");
        }
        else if (threshold.WindowMinutes is < 1 or > AuditThreshold.MaxWindowMinutes)
        {
            errors.Add($"{field}.windowMinutes", $"must be between 1 and {AuditThreshold.MaxWindowMinutes} (a week).");
        }
    }

    private static void Flag(ValidationErrors errors, string field, bool? value)
    {
        if (value is null)
        {
            errors.Add(field, "is required (true or false).");
        }
    }
}

/// <summary>Reads and writes a tenant's stored detection settings.</summary>
public static class AuditDetectionSettingsJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    public static AuditDetectionSettings Read(string? json) =>
        json is null ? AuditDetectionSettings.Defaults : JsonSerializer.Deserialize<AuditDetectionSettings>(json, s_options) ?? AuditDetectionSettings.Defaults;

    public static string Write(AuditDetectionSettings settings) => JsonSerializer.Serialize(settings, s_options);
}

/// <summary>The alerts audit detections raised, and the tenant's detection settings.</summary>
public static class AuditDetectionEndpoints
{
    public const string SettingsChangedAction = "audit-detections.updated";

    public static void MapAuditDetectionEndpoints(this IEndpointRouteBuilder routes)
    {
        var tenant = routes.MapGroup("/api/v1/tenants/{tenantId:guid}").WithTags("Audit");
        tenant.MapGet("/audit-alerts", ListAlerts).RequireTenant(Permission.AuditRead)
            .WithName("ListAuditAlerts").WithSummary("Alerts raised by audit detections, newest first")
            .WithDescription("Paged; filters: `detection`, `minSeverity`, `from`/`to` (when raised, UTC); `q` searches the detail, actor and source IP. `recordsQuery` is the audit list's query that shows the records behind an alert.");
        tenant.MapGet("/audit-detections", GetSettings).RequireTenant(Permission.AuditRead)
            .WithName("GetAuditDetections").WithSummary("The tenant's detection settings (the defaults until changed)");
        tenant.MapPut("/audit-detections", SetSettings).RequireTenant(Permission.AuditManage).Validates<AuditDetectionSettingsRequest>()
            .WithName("SetAuditDetections").WithSummary("Change the tenant's detection settings")
            .WithDescription("Every part is required. The change is audited, and raises the \"audit settings changed\" detection.");
    }

    private static async Task<Ok<Paged<AuditAlertResponse>>> ListAlerts(
        Guid tenantId, [AsParameters] PageRequest page, EnumFilter<AuditDetection>? detection, EnumFilter<NotificationSeverity>? minSeverity,
        DateTimeOffset? from, DateTimeOffset? to, TenantraDbContext db)
    {
        var alerts = db.AuditAlerts.Where(a => a.TenantId == tenantId);
        if (detection?.Value is { } wanted)
        {
            alerts = alerts.Where(a => a.Detection == wanted);
        }

        if (minSeverity?.Value is { } severity)
        {
            alerts = alerts.Where(a => a.Severity >= severity);
        }

        if (from is { } start)
        {
            alerts = alerts.Where(a => a.RaisedAt >= start.ToUniversalTime());
        }

        if (to is { } end)
        {
            alerts = alerts.Where(a => a.RaisedAt < end.ToUniversalTime());
        }

        if (page.Search is { } q)
        {
            alerts = alerts.Where(a => a.Detail.Contains(q) || (a.ActorName != null && a.ActorName.Contains(q)) || (a.SourceIp != null && a.SourceIp.Contains(q)));
        }

        return TypedResults.Ok(await alerts.OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.LastSequence)
            .Select(a => new AuditAlertResponse(a.Id, a.Detection, a.Severity, a.Title, a.Detail, a.ActorUserId, a.ActorName, a.SourceIp,
                a.FirstSequence, a.LastSequence, a.Records, a.RecordsQuery, a.OccurredAt, a.RaisedAt))
            .ToPageAsync(page));
    }

    private static async Task<Ok<AuditDetectionSettings>> GetSettings(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok(AuditDetectionSettingsJson.Read(await db.AuditDetectionStates.Where(s => s.TenantId == tenantId).Select(s => s.SettingsJson).SingleOrDefaultAsync()));

    private static async Task<Ok<AuditDetectionSettings>> SetSettings(Guid tenantId, AuditDetectionSettingsRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var state = await db.AuditDetectionStates.AsTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId)
            ?? db.AuditDetectionStates.Add(new AuditDetectionState { TenantId = tenantId }).Entity;
        var before = AuditDetectionSettingsJson.Read(state.SettingsJson);
        var after = request.ToSettings();
        state.SettingsJson = AuditDetectionSettingsJson.Write(after);
        state.SettingsUpdatedAt = clock.GetUtcNow();
        await audit.StageAsync(tenantId, new AuditEvent(SettingsChangedAction, "audit-detections", tenantId, before, after));
        await db.SaveChangesAsync();
        return TypedResults.Ok(after);
    }
}
