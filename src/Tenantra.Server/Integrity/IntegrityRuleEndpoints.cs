using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Integrity;

/// <summary>
/// The tenant's severity rules: the shipped ones (severity changed or switched off per tenant) and
/// its own. They apply to drift detected from then on; events already raised keep their severity.
/// </summary>
public static partial class IntegrityRuleEndpoints
{
    public const int MaxCustomRules = 100;

    public static void MapIntegrityRuleEndpoints(this IEndpointRouteBuilder routes)
    {
        var rules = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/integrity/rules").WithTags("Integrity");
        rules.MapGet("/", List).RequireTenant(Permission.AssetsRead)
            .WithName("ListSeverityRules").WithSummary("Severity rules in force: shipped ones as the tenant set them, then its own");
        rules.MapPost("/", Create).RequireTenant(Permission.IntegrityManage).Validates<CreateSeverityRuleRequest>()
            .WithName("CreateSeverityRule").WithSummary("Add a rule of the tenant's own")
            .WithDescription("`key` is lowercase letters, digits and dashes and names no shipped rule; `match` takes categories, kinds, changes (added, removed, modified), keyPattern and conditions (fields, matches, gained, changed). Patterns are regular expressions without backreferences or lookarounds, matched case-insensitively.");
        rules.MapPut("/{ruleKey}", Set).RequireTenant(Permission.IntegrityManage).Validates<SetSeverityRuleRequest>()
            .WithName("SetSeverityRule").WithSummary("Change a shipped rule's severity or switch it off, or change a rule of the tenant's own")
            .WithDescription("A shipped rule takes `severity` and `enabled` only.");
        rules.MapDelete("/{ruleKey}", Delete).RequireTenant(Permission.IntegrityManage)
            .WithName("DeleteSeverityRule").WithSummary("Delete an own rule, or put a shipped rule back to its defaults");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex KeyShape();

    internal static SeverityRuleReference? Describe(string key, IReadOnlyList<IntegrityRule> tenantRules)
    {
        var own = tenantRules.FirstOrDefault(r => r.Key == key);
        if (ShippedSeverityRules.All.FirstOrDefault(r => r.Key == key) is { } shipped)
        {
            return new SeverityRuleReference(key, shipped.Title, own?.Severity ?? shipped.Severity);
        }

        return own is null ? null : new SeverityRuleReference(key, own.Title, own.Severity);
    }

    private static async Task<Ok<IReadOnlyList<SeverityRuleResponse>>> List(Guid tenantId, TenantraDbContext db) =>
        TypedResults.Ok(Responses(await db.IntegrityRules.Where(r => r.TenantId == tenantId).ToListAsync()));

    private static IReadOnlyList<SeverityRuleResponse> Responses(List<IntegrityRule> tenantRules)
    {
        var byKey = tenantRules.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var shipped = ShippedSeverityRules.All.Select(r => byKey.GetValueOrDefault(r.Key) is { } set
            ? new SeverityRuleResponse(r.Key, r.Title, set.Severity, r.Severity, set.Enabled, false, r.Match)
            : new SeverityRuleResponse(r.Key, r.Title, r.Severity, r.Severity, true, false, r.Match));
        var own = tenantRules.Where(r => r.MatchJson is not null).OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new SeverityRuleResponse(r.Key, r.Title, r.Severity, null, r.Enabled, true, JsonSerializer.Deserialize<RuleMatch>(r.MatchJson!, SeverityRuleSet.MatchJson)!));
        return [.. shipped, .. own];
    }

    private static async Task<Results<Created<SeverityRuleResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateSeverityRuleRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var key = request.Key!.Trim();
        if (Problem("key", key, request.Match!) is { } problem)
        {
            return problem;
        }

        var rules = await db.IntegrityRules.Where(r => r.TenantId == tenantId).ToListAsync();
        if (ShippedSeverityRules.All.Any(r => r.Key == key) || rules.Any(r => r.Key == key))
        {
            return Problems.Field("key", "is taken by another rule.");
        }

        if (rules.Count(r => r.MatchJson is not null) >= MaxCustomRules)
        {
            return Problems.Field("key", $"A tenant can have at most {MaxCustomRules} rules of its own.");
        }

        var rule = new IntegrityRule
        {
            TenantId = tenantId,
            Key = key,
            Title = request.Title!.Trim(),
            Severity = request.Severity!.Value,
            Enabled = request.Enabled ?? true,
            MatchJson = JsonSerializer.Serialize(request.Match, SeverityRuleSet.MatchJson),
            UpdatedAt = clock.GetUtcNow(),
        };
        db.IntegrityRules.Add(rule);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-rule.created", "integrity-rule", key, After: new { rule.Title, rule.Severity, rule.Enabled, rule.MatchJson }));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/integrity/rules/{key}", Responses([rule]).Single(r => r.Key == key));
    }

    private static async Task<Results<Ok<SeverityRuleResponse>, ProblemHttpResult, ValidationProblem>> Set(
        Guid tenantId, string ruleKey, SetSeverityRuleRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var shipped = ShippedSeverityRules.All.FirstOrDefault(r => r.Key == ruleKey);
        var rule = await db.IntegrityRules.AsTracking().SingleOrDefaultAsync(r => r.TenantId == tenantId && r.Key == ruleKey);
        if (shipped is null && rule is null)
        {
            return Problems.NotFound("Severity rule");
        }

        if (shipped is not null && (request.Match is not null || request.Title is not null))
        {
            return Problems.Field(request.Match is not null ? "match" : "title", "A shipped rule's match and title cannot change; add a rule of your own instead.");
        }

        if (shipped is null && request.Match is { } match && Problem("match", ruleKey, match) is { } problem)
        {
            return problem;
        }

        var before = rule is null ? null : new { rule.Title, rule.Severity, rule.Enabled, rule.MatchJson };
        if (rule is null)
        {
            rule = new IntegrityRule { TenantId = tenantId, Key = ruleKey, Title = shipped!.Title };
            db.IntegrityRules.Add(rule);
        }

        if (shipped is null)
        {
            rule.Title = request.Title?.Trim() ?? rule.Title;
            rule.MatchJson = request.Match is null ? rule.MatchJson : JsonSerializer.Serialize(request.Match, SeverityRuleSet.MatchJson);
        }

        rule.Severity = request.Severity!.Value;
        rule.Enabled = request.Enabled ?? true;
        rule.UpdatedAt = clock.GetUtcNow();
        await audit.StageAsync(tenantId, new AuditEvent("integrity-rule.set", "integrity-rule", ruleKey, Before: before, After: new { rule.Title, rule.Severity, rule.Enabled, rule.MatchJson }));
        await db.SaveChangesAsync();
        return TypedResults.Ok(Responses([rule]).Single(r => r.Key == ruleKey));
    }

    /// <summary>What is wrong with an own rule, named by field: its key and every pattern (compiled here, so evaluation never meets a bad one).</summary>
    private static ValidationProblem? Problem(string keyField, string key, RuleMatch match)
    {
        var errors = new ValidationErrors();
        if (!KeyShape().IsMatch(key))
        {
            errors.Add(keyField, "must be 1–64 lowercase letters, digits and dashes, starting with a letter or digit.");
        }

        if (match.Categories?.FirstOrDefault(c => !IntegrityPolicies.Covers(c)) is { } category)
        {
            errors.Add("match.categories", $"\"{Clip(category)}\" is not one of {string.Join(", ", IntegrityPolicies.All.Select(p => p.Category))}.");
        }

        if ((match.Kinds?.Count ?? 0) > 20 || (match.Categories?.Count ?? 0) > 10 || (match.Conditions?.Count ?? 0) > 10)
        {
            errors.Add("match", "takes at most 10 categories, 20 kinds and 10 conditions.");
        }

        Pattern(errors, "match.keyPattern", match.KeyPattern);
        for (var i = 0; i < (match.Conditions?.Count ?? 0); i++)
        {
            var condition = match.Conditions![i];
            if (condition.Fields is not { Count: > 0 and <= 20 } || condition.Fields.Any(f => string.IsNullOrWhiteSpace(f) || f.Length > 64))
            {
                errors.Add($"match.conditions[{i}].fields", "must name 1–20 fields of at most 64 characters.");
            }

            Pattern(errors, $"match.conditions[{i}].matches", condition.Matches);
        }

        return errors.IsEmpty ? null : Problems.Validation(errors.ToDictionary());
    }

    private static void Pattern(ValidationErrors errors, string field, string? pattern)
    {
        if (pattern is null)
        {
            return;
        }

        if (pattern.Length > 500)
        {
            errors.Add(field, "must be at most 500 characters.");
            return;
        }

        try
        {
            CompiledRule.Compile(pattern);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            errors.Add(field, $"is not a usable regular expression: {Clip(e.Message)}");
        }
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200];

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid tenantId, string ruleKey, TenantraDbContext db, AuditWriter audit)
    {
        if (await db.IntegrityRules.AsTracking().SingleOrDefaultAsync(r => r.TenantId == tenantId && r.Key == ruleKey) is not { } rule)
        {
            return Problems.NotFound("Severity rule setting");
        }

        db.IntegrityRules.Remove(rule);
        await audit.StageAsync(tenantId, new AuditEvent("integrity-rule.deleted", "integrity-rule", ruleKey, Before: new { rule.Title, rule.Severity, rule.Enabled, rule.MatchJson }));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
