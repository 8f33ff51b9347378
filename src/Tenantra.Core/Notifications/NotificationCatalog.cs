namespace Tenantra.Core.Notifications;

/// <summary>
/// A kind of event modules publish. <paramref name="Subject"/> and <paramref name="Lead"/> are the
/// templates of its messages: <c>{title}</c>, <c>{tenant}</c>, <c>{severity}</c> and any fact name
/// in braces are replaced (HTML-encoded in HTML).
/// </summary>
public sealed record NotificationEventType(string Key, string Title, NotificationSeverity DefaultSeverity, string Description, string Subject, string Lead);

/// <summary>Every event type Tenantra publishes. A module that raises a new kind of alert adds one line.</summary>
public static class NotificationCatalog
{
    public const string DriftDetected = "drift.detected";
    public const string IocHit = "ioc.hit";
    public const string ComplianceViolation = "compliance.violation";
    public const string AgentOffline = "agent.offline";
    public const string ScanFailed = "scan.failed";
    public const string ThresholdBreached = "threshold.breached";
    public const string SuspiciousAuditAction = "audit.suspicious";
    public const string InvoiceIssued = "invoice.issued";
    public const string Test = "notification.test";

    public static readonly IReadOnlyList<NotificationEventType> All =
    [
        new(DriftDetected, "Drift detected", NotificationSeverity.High, "A persistence point changed against its baseline.",
            "[{severity}] Drift on {tenant}: {title}", "A persistence point changed against its baseline."),
        new(IocHit, "Threat-intelligence match", NotificationSeverity.Critical, "Something on an asset matches an indicator of compromise.",
            "[{severity}] IOC match on {tenant}: {title}", "An indicator of compromise was found."),
        new(ComplianceViolation, "Compliance violation", NotificationSeverity.Medium, "A compliance check failed.",
            "[{severity}] Compliance on {tenant}: {title}", "A compliance check failed."),
        new(AgentOffline, "Agent offline", NotificationSeverity.Medium, "An agent stopped checking in.",
            "[{severity}] Agent offline on {tenant}: {title}", "An agent has stopped checking in."),
        new(ScanFailed, "Scan failed", NotificationSeverity.Medium, "A scheduled scan could not finish.",
            "[{severity}] Scan failed on {tenant}: {title}", "A scan could not finish."),
        new(ThresholdBreached, "Threshold breached", NotificationSeverity.High, "A metric crossed the threshold set for it.",
            "[{severity}] Threshold on {tenant}: {title}", "A metric crossed its threshold."),
        new(SuspiciousAuditAction, "Suspicious action", NotificationSeverity.High, "An audit detection fired on someone's actions.",
            "[{severity}] Suspicious action on {tenant}: {title}", "An audit detection fired."),
        new(InvoiceIssued, "Invoice issued", NotificationSeverity.Info, "A new invoice is ready.",
            "Invoice for {tenant}: {title}", "A new invoice is ready."),
        new(Test, "Test notification", NotificationSeverity.Info, "Sent on request to check channels and preferences.",
            "[{severity}] Test from {tenant}: {title}", "This is a test notification."),
    ];

    private static readonly Dictionary<string, NotificationEventType> s_byKey = All.ToDictionary(t => t.Key);

    public static NotificationEventType? Find(string key) => s_byKey.GetValueOrDefault(key);
}
