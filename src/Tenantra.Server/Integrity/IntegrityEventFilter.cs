using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Integrity;

/// <summary>The integrity events list's filters, the same for the list and for exports of it.</summary>
public sealed record IntegrityEventFilter(
    DateTimeOffset? From, DateTimeOffset? To, IntegrityEventStatus? Status, bool? Active, NotificationSeverity? MinSeverity, string? Category,
    Guid? AssetId, string? Kind, Guid? AssigneeId, string? Search)
{
    public static readonly string[] Names = ["from", "to", "status", "active", "minSeverity", "category", "assetId", "kind", "assigneeId", "q"];

    public IQueryable<IntegrityEvent> Apply(IQueryable<IntegrityEvent> query)
    {
        if (From is { } from)
        {
            query = query.Where(e => e.DetectedAt >= from.ToUniversalTime());
        }

        if (To is { } to)
        {
            query = query.Where(e => e.DetectedAt < to.ToUniversalTime());
        }

        if (Status is { } status)
        {
            query = query.Where(e => e.Status == status);
        }

        if (Active is { } active)
        {
            query = active
                ? query.Where(e => e.Status == IntegrityEventStatus.Open || e.Status == IntegrityEventStatus.Acknowledged)
                : query.Where(e => e.Status == IntegrityEventStatus.Resolved || e.Status == IntegrityEventStatus.Approved);
        }

        if (MinSeverity is { } severity)
        {
            query = query.Where(e => e.Severity >= severity);
        }

        if (Category is { } category)
        {
            query = query.Where(e => e.Category == category);
        }

        if (AssetId is { } assetId)
        {
            query = query.Where(e => e.AssetId == assetId);
        }

        if (Kind is { } kind)
        {
            query = query.Where(e => e.Kind == kind);
        }

        if (AssigneeId is { } assignee)
        {
            query = query.Where(e => e.AssigneeId == assignee);
        }

        if (Search is { } search)
        {
            query = query.Where(e => e.EntryKey.Contains(search) || e.Kind.Contains(search) || e.FieldsJson.Contains(search));
        }

        return query;
    }

    /// <summary>From an export's filters (the list's query parameter names), with a field error per bad value.</summary>
    public static IntegrityEventFilter Parse(IReadOnlyDictionary<string, string> filters, ValidationErrors errors)
    {
        var values = new FilterValues(filters, errors).Taking("integrity events", Names);
        var active = values.Text("active");
        if (active is not null and not ("true" or "false"))
        {
            errors.Add("filters.active", "must be true or false.");
        }

        return new IntegrityEventFilter(
            values.Time("from"), values.Time("to"), values.Choice<IntegrityEventStatus>("status"), active is null ? null : active == "true",
            values.Choice<NotificationSeverity>("minSeverity"), values.Text("category"), values.Id("assetId", "asset"), values.Text("kind"),
            values.Id("assigneeId", "user"), values.Text("q"));
    }
}
