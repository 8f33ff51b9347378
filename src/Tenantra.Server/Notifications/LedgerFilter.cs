using Tenantra.Core.Notifications;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Notifications;

/// <summary>The delivery ledger's filters, the same for the list and for exports of it.</summary>
public sealed record LedgerFilter(DateTimeOffset? From, DateTimeOffset? To, string? EventType, NotificationChannel? Channel, AttemptOutcome? Outcome, string? Recipient, string? Search)
{
    public static readonly string[] Names = ["from", "to", "eventType", "channel", "outcome", "recipient", "q"];

    public IQueryable<LedgerEndpoints.LedgerRow> Apply(IQueryable<LedgerEndpoints.LedgerRow> query)
    {
        if (From is { } from)
        {
            query = query.Where(r => r.Attempt.StartedAt >= from.ToUniversalTime());
        }

        if (To is { } to)
        {
            query = query.Where(r => r.Attempt.StartedAt < to.ToUniversalTime());
        }

        if (EventType is { } type)
        {
            query = query.Where(r => r.Attempt.EventType == type);
        }

        if (Channel is { } channel)
        {
            query = query.Where(r => r.Attempt.Channel == channel);
        }

        if (Outcome is { } outcome)
        {
            query = query.Where(r => r.Attempt.Outcome == outcome);
        }

        if (Recipient is { } recipient)
        {
            query = query.Where(r => r.Attempt.Recipient.Contains(recipient));
        }

        if (Search is { } search)
        {
            query = query.Where(r => r.Attempt.Recipient.Contains(search) || r.Attempt.Response.Contains(search) || r.Attempt.EventType.Contains(search)
                || (r.EventTitle != null && r.EventTitle.Contains(search)));
        }

        return query;
    }

    /// <summary>From an export's filters (the list's query parameter names), with a field error per bad value.</summary>
    public static LedgerFilter Parse(IReadOnlyDictionary<string, string> filters, ValidationErrors errors)
    {
        var values = new FilterValues(filters, errors).Taking("the delivery ledger", Names);
        return new LedgerFilter(
            values.Time("from"), values.Time("to"), values.Text("eventType"), values.Choice<NotificationChannel>("channel"), values.Choice<AttemptOutcome>("outcome"),
            values.Text("recipient"), values.Text("q"));
    }
}
