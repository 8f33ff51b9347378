using System.Text.RegularExpressions;

namespace Tenantra.Core.Integrity;

/// <summary>
/// A tenant's rule that some drift is not worth an event: changes whose key matches
/// <see cref="KeyPattern"/> (a glob: <c>*</c> any run of characters, <c>?</c> one), optionally
/// only on one asset, category or kind. With <see cref="Field"/>, only that field's changes are
/// ignored (a modification left with no other field raises nothing).
/// </summary>
public sealed class IntegritySuppression : ITenantScoped
{
    public const int MaxPatternLength = 1024;
    public const int MaxCommentLength = 500;

    public Guid TenantId { get; init; }
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid? AssetId { get; init; }
    public string? Category { get; init; }
    public string? Kind { get; init; }
    public required string KeyPattern { get; init; }
    public string? Field { get; init; }
    public required string Comment { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The glob as an anchored, case-sensitive regular expression (keys are exact identities).</summary>
    public static Regex GlobRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.Singleline);
}

/// <summary>The suppressions that apply to one asset and category, compiled.</summary>
public sealed class Suppressions
{
    private readonly (IntegritySuppression Rule, Regex Key)[] _rules;

    public Suppressions(IEnumerable<IntegritySuppression> rules, Guid assetId, string category) =>
        _rules = [.. rules
            .Where(r => (r.AssetId is null || r.AssetId == assetId) && (r.Category is null || r.Category == category))
            .Select(r => (r, IntegritySuppression.GlobRegex(r.KeyPattern)))];

    public static readonly Suppressions None = new([], Guid.Empty, "");

    /// <summary>The change with suppressed fields removed, or null when nothing of it is left to report.</summary>
    public EntryChange? Apply(EntryChange change)
    {
        var fields = change.Fields;
        foreach (var (rule, key) in _rules)
        {
            if ((rule.Kind is not null && rule.Kind != change.Kind) || !key.IsMatch(change.Key))
            {
                continue;
            }

            if (rule.Field is null)
            {
                return null;
            }

            if (change.Change == EntryChangeKind.Modified)
            {
                fields = [.. fields.Where(f => f.Name != rule.Field)];
            }
        }

        return fields.Count == 0 ? null : ReferenceEquals(fields, change.Fields) ? change : change with { Fields = fields };
    }
}
