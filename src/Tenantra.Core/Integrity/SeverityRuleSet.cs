using System.Text.Json;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>The rules in force for one tenant: the shipped ones as the tenant set them, then its own.</summary>
public sealed class SeverityRuleSet
{
    private readonly CompiledRule[] _rules;

    private SeverityRuleSet(IEnumerable<SeverityRule> rules) => _rules = [.. rules.Select(r => new CompiledRule(r))];

    public static readonly JsonSerializerOptions MatchJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static SeverityRuleSet Shipped { get; } = new(ShippedSeverityRules.All);

    public static SeverityRuleSet For(IEnumerable<IntegrityRule> tenantRules)
    {
        var byKey = tenantRules.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var rules = new List<SeverityRule>();
        foreach (var shipped in ShippedSeverityRules.All)
        {
            if (!byKey.TryGetValue(shipped.Key, out var setting))
            {
                rules.Add(shipped);
            }
            else if (setting.Enabled)
            {
                rules.Add(shipped with { Severity = setting.Severity });
            }
        }

        foreach (var own in byKey.Values.Where(r => r.MatchJson is not null && r.Enabled).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (JsonSerializer.Deserialize<RuleMatch>(own.MatchJson!, MatchJson) is { } match)
            {
                rules.Add(new SeverityRule(own.Key, own.Title, own.Severity, match));
            }
        }

        return new SeverityRuleSet(rules);
    }

    /// <summary>The highest severity of the rules that apply (<see cref="ShippedSeverityRules.Unmatched"/> when none) and their keys.</summary>
    public (NotificationSeverity Severity, IReadOnlyList<string> RuleKeys) Judge(ChangeContext context)
    {
        var severity = ShippedSeverityRules.Unmatched;
        List<string>? keys = null;
        foreach (var rule in _rules)
        {
            if (rule.Applies(context))
            {
                (keys ??= []).Add(rule.Rule.Key);
                severity = rule.Rule.Severity > severity ? rule.Rule.Severity : severity;
            }
        }

        if (keys is not null)
        {
            // The rule that decided first: a reader of the event sees why it is this severe.
            keys.Sort((a, b) => SeverityOf(b).CompareTo(SeverityOf(a)));
        }

        return (severity, (IReadOnlyList<string>?)keys ?? []);
    }

    private NotificationSeverity SeverityOf(string key) => _rules.First(r => r.Rule.Key == key).Rule.Severity;
}
