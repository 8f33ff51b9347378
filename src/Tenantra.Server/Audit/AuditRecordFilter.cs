using Tenantra.Core.Audit;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Audit;

/// <summary>The audit trail's filters, the same for the list and for exports of it.</summary>
public sealed record AuditRecordFilter(string? Action, AuditOutcome? Outcome, Guid? ActorUserId, DateTimeOffset? From, DateTimeOffset? To, string? Search)
{
    public bool IsEmpty => this == new AuditRecordFilter(null, null, null, null, null, null);

    public IQueryable<AuditRecord> Apply(IQueryable<AuditRecord> query)
    {
        if (Action is not null)
        {
            query = query.Where(r => r.Action.StartsWith(Action));
        }

        if (Outcome is { } wanted)
        {
            query = query.Where(r => r.Outcome == wanted);
        }

        if (ActorUserId is not null)
        {
            query = query.Where(r => r.ActorUserId == ActorUserId);
        }

        if (From is { } from)
        {
            query = query.Where(r => r.OccurredAt >= from.ToUniversalTime());
        }

        if (To is { } to)
        {
            query = query.Where(r => r.OccurredAt < to.ToUniversalTime());
        }

        if (Search is { } search)
        {
            query = query.Where(r => (r.ActorName != null && r.ActorName.Contains(search)) || (r.TargetId != null && r.TargetId.Contains(search)));
        }

        return query;
    }

    /// <summary>From an export's filters (the list's query parameter names), with a field error per bad value.</summary>
    public static AuditRecordFilter Parse(IReadOnlyDictionary<string, string> filters, ValidationErrors errors)
    {
        var values = new FilterValues(filters, errors).Taking("the audit trail", "action", "outcome", "actorUserId", "from", "to", "q");
        return new AuditRecordFilter(
            values.Text("action", 100), values.Choice<AuditOutcome>("outcome"), values.Id("actorUserId", "a user"), values.Time("from"), values.Time("to"), values.Text("q"));
    }
}
