using System.Globalization;
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
        string? Text(string name) => filters.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        DateTimeOffset? Time(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            errors.Add($"filters.{name}", "must be a date and time (ISO 8601).");
            return null;
        }

        foreach (var name in filters.Keys.Except(["action", "outcome", "actorUserId", "from", "to", "q"]))
        {
            errors.Add($"filters.{name}", "is not a filter of the audit trail (action, outcome, actorUserId, from, to, q).");
        }

        AuditOutcome? outcome = null;
        if (Text("outcome") is { } outcomeText)
        {
            if (EnumFilter<AuditOutcome>.TryParse(outcomeText, out var parsed))
            {
                outcome = parsed.Value;
            }
            else
            {
                errors.Add("filters.outcome", $"must be one of {string.Join(", ", Enum.GetNames<AuditOutcome>().Select(n => n.ToLowerInvariant()))}.");
            }
        }

        Guid? actor = null;
        if (Text("actorUserId") is { } actorText)
        {
            if (Guid.TryParse(actorText, out var id))
            {
                actor = id;
            }
            else
            {
                errors.Add("filters.actorUserId", "must be a user id.");
            }
        }

        foreach (var (name, max) in new[] { ("action", 100), ("q", 200) })
        {
            if (Text(name) is { } value && value.Length > max)
            {
                errors.Add($"filters.{name}", $"must be at most {max} characters.");
            }
        }

        return new AuditRecordFilter(Text("action"), outcome, actor, Time("from"), Time("to"), Text("q"));
    }
}
