using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>
/// A condition on the fields of a changed entry: holds when any of <see cref="Fields"/> does.
/// <see cref="Matches"/> is a regular expression (case-insensitive) on the value after the change
/// (before it, for a removal);
/// <see cref="Gained"/> asks that the value now has a match the value before did not have;
/// <see cref="Changed"/> asks that the field is among those that changed.
/// </summary>
public sealed record FieldCondition(IReadOnlyList<string> Fields, string? Matches = null, bool Gained = false, bool Changed = false);

/// <summary>
/// Which changes a rule applies to. Every given part must hold: the category, the entry kind, the
/// kind of change, the key (a regular expression, case-insensitive) and every field condition.
/// </summary>
public sealed record RuleMatch(
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<string>? Kinds = null,
    IReadOnlyList<EntryChangeKind>? Changes = null,
    string? KeyPattern = null,
    IReadOnlyList<FieldCondition>? Conditions = null);

/// <summary>A declarative severity rule: changes it matches are at least <see cref="Severity"/>.</summary>
public sealed record SeverityRule(string Key, string Title, NotificationSeverity Severity, RuleMatch Match);

/// <summary>One change as rules see it: the change and the whole entry before and after it.</summary>
public sealed record ChangeContext(string Category, EntryChange Change, SnapshotEntry? Before, SnapshotEntry? After);

/// <summary>
/// A rule ready to run: its patterns compiled once, without backtracking (tenants write their own
/// rules, so a pattern must not be able to stall evaluation).
/// </summary>
public sealed class CompiledRule
{
    private readonly Regex? _key;
    private readonly (FieldCondition Condition, Regex? Pattern)[] _conditions;

    public CompiledRule(SeverityRule rule)
    {
        Rule = rule;
        _key = Compile(rule.Match.KeyPattern);
        _conditions = [.. (rule.Match.Conditions ?? []).Select(c => (c, Compile(c.Matches)))];
    }

    public SeverityRule Rule { get; }

    /// <summary>Patterns compiled so far (building a non-backtracking matcher costs milliseconds; every evaluation uses the same few).</summary>
    private static readonly ConcurrentDictionary<string, Regex> s_compiled = new(StringComparer.Ordinal);
    private const int MaxCompiled = 10_000;

    /// <exception cref="ArgumentException">The pattern is not a valid regular expression for the non-backtracking engine.</exception>
    public static Regex? Compile(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        if (s_compiled.TryGetValue(pattern, out var known))
        {
            return known;
        }

        var regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        if (s_compiled.Count < MaxCompiled)
        {
            s_compiled.TryAdd(pattern, regex);
        }

        return regex;
    }

    public bool Applies(ChangeContext context)
    {
        var match = Rule.Match;
        if ((match.Categories is { Count: > 0 } categories && !categories.Contains(context.Category))
            || (match.Kinds is { Count: > 0 } kinds && !kinds.Contains(context.Change.Kind))
            || (match.Changes is { Count: > 0 } changes && !changes.Contains(context.Change.Change))
            || (_key is not null && !_key.IsMatch(context.Change.Key)))
        {
            return false;
        }

        foreach (var (condition, pattern) in _conditions)
        {
            if (!condition.Fields.Any(field => Holds(condition, pattern, field, context)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Holds(FieldCondition condition, Regex? pattern, string field, ChangeContext context)
    {
        var removed = context.Change.Change == EntryChangeKind.Removed;
        var now = Value(removed ? context.Before : context.After, field);
        if (condition.Changed && !context.Change.Fields.Any(f => f.Name == field))
        {
            return false;
        }

        if (pattern is null)
        {
            // No pattern: the field changed, or (without Changed) it has a value.
            return condition.Changed || now is not null;
        }

        if (now is null || !pattern.IsMatch(now))
        {
            return false;
        }

        return !condition.Gained || removed || Value(context.Before, field) is not { } was || Gained(pattern, was, now);
    }

    /// <summary>Whether the value now has a match the value before did not (init= beside an old rdinit= counts).</summary>
    private static bool Gained(Regex pattern, string before, string now)
    {
        var old = pattern.Matches(before).Select(m => m.Value.Trim().Trim('"')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return pattern.Matches(now).Any(m => !old.Contains(m.Value.Trim().Trim('"')));
    }

    private static string? Value(SnapshotEntry? entry, string field) =>
        entry is not null && entry.Fields.TryGetValue(field, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
