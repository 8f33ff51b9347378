using Tenantra.Core.Notifications;

namespace Tenantra.Core.Audit;

/// <summary>The suspicious actions Tenantra watches the audit trail for.</summary>
public enum AuditDetection
{
    FailedSignInsPerUser,
    FailedSignInsPerAddress,
    NewSignInAddress,
    AdminGrant,
    SecondFactorDisabled,
    OffHoursToken,
    MassDelete,
    MassExport,
    AuditSettingsChanged,
    EnrollmentTokenWithoutExpiry,
}

/// <summary>A count of matching records within a time window that raises an alert when it is reached.</summary>
public sealed record AuditThreshold(bool Enabled, int Count, int WindowMinutes)
{
    public const int MaxCount = 10_000;
    public const int MaxWindowMinutes = 7 * 24 * 60;
}

/// <summary>When API tokens are expected in use, in the tenant's time zone: from <see cref="StartHour"/> to <see cref="EndHour"/>, on weekdays only when <see cref="WeekdaysOnly"/>.</summary>
public sealed record AuditWorkingHours(bool Enabled, int StartHour, int EndHour, bool WeekdaysOnly)
{
    public bool IsOffHours(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return (WeekdaysOnly && local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) || local.Hour < StartHour || local.Hour >= EndHour;
    }
}

/// <summary>A tenant's detection settings; a tenant without any has <see cref="Defaults"/>.</summary>
public sealed record AuditDetectionSettings(
    AuditThreshold FailedSignInsPerUser,
    AuditThreshold FailedSignInsPerAddress,
    bool NewSignInAddress,
    bool AdminGrant,
    bool SecondFactorDisabled,
    AuditWorkingHours OffHoursTokens,
    AuditThreshold MassDelete,
    AuditThreshold MassExport,
    bool AuditSettingsChanged,
    bool EnrollmentTokenWithoutExpiry)
{
    public static readonly AuditDetectionSettings Defaults = new(
        new AuditThreshold(true, 5, 15), new AuditThreshold(true, 10, 15), true, true, true, new AuditWorkingHours(true, 7, 19, true),
        new AuditThreshold(true, 20, 10), new AuditThreshold(true, 10, 10), true, true);

    public bool IsOn(AuditDetection detection) => detection switch
    {
        AuditDetection.FailedSignInsPerUser => FailedSignInsPerUser.Enabled,
        AuditDetection.FailedSignInsPerAddress => FailedSignInsPerAddress.Enabled,
        AuditDetection.NewSignInAddress => NewSignInAddress,
        AuditDetection.AdminGrant => AdminGrant,
        AuditDetection.SecondFactorDisabled => SecondFactorDisabled,
        AuditDetection.OffHoursToken => OffHoursTokens.Enabled,
        AuditDetection.MassDelete => MassDelete.Enabled,
        AuditDetection.MassExport => MassExport.Enabled,
        AuditDetection.AuditSettingsChanged => AuditSettingsChanged,
        AuditDetection.EnrollmentTokenWithoutExpiry => EnrollmentTokenWithoutExpiry,
        _ => false,
    };
}

/// <summary>What each detection is called and how severe it is.</summary>
public static class AuditDetectionCatalog
{
    public static (string Title, NotificationSeverity Severity) Describe(AuditDetection detection) => detection switch
    {
        AuditDetection.FailedSignInsPerUser => ("Repeated failed sign-ins for one user", NotificationSeverity.High),
        AuditDetection.FailedSignInsPerAddress => ("Repeated failed sign-ins from one address", NotificationSeverity.High),
        AuditDetection.NewSignInAddress => ("Sign-in from an address never seen for the user", NotificationSeverity.Medium),
        AuditDetection.AdminGrant => ("Admin rights granted", NotificationSeverity.High),
        AuditDetection.SecondFactorDisabled => ("Second factor disabled", NotificationSeverity.High),
        AuditDetection.OffHoursToken => ("API token created or used off-hours", NotificationSeverity.Medium),
        AuditDetection.MassDelete => ("Mass delete", NotificationSeverity.Critical),
        AuditDetection.MassExport => ("Mass export", NotificationSeverity.High),
        AuditDetection.AuditSettingsChanged => ("Audit settings changed", NotificationSeverity.High),
        AuditDetection.EnrollmentTokenWithoutExpiry => ("Enrollment token without expiry", NotificationSeverity.Medium),
        _ => (detection.ToString(), NotificationSeverity.Medium),
    };
}
