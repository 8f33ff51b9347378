using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>
/// Full-text search over audit records (actor, action, target, source IP, user agent, request id,
/// before and after): PostgreSQL's text search on a generated, GIN-indexed tsvector; SQLite's FTS5.
/// Both index words — runs of letters and digits — so an email, IP or path is searched as its words
/// in order. Every term must match; the last word of each is a prefix ("kofi" finds
/// "kofi@fabrikam.example", "10.0.0" finds "10.0.0.5"). Search text never reaches SQL as syntax:
/// only words of letters and digits, as parameters.
/// </summary>
public static partial class AuditSearch
{
    public const int MaxTerms = 16;

    /// <summary>The records matching every term (all records when the text has no words).</summary>
    public static IQueryable<AuditRecord> Matching(TenantraDbContext db, string search)
    {
        var terms = Terms(search);
        if (terms.Count == 0)
        {
            return db.AuditRecords;
        }

        if (db.IsPostgres)
        {
            var query = string.Join(" & ", terms.Select(words => string.Join(" <-> ", words.Select((word, i) => i == words.Count - 1 ? $"'{word}':*" : $"'{word}'"))));
            return db.AuditRecords.FromSql($"SELECT * FROM audit_records WHERE search @@ to_tsquery('simple', {query})");
        }

        var match = string.Join(' ', terms.Select(words => $"\"{string.Join(' ', words)}\"*"));
        return db.AuditRecords.FromSql($"SELECT * FROM audit_records WHERE rowid IN (SELECT rowid FROM audit_records_search WHERE audit_records_search MATCH {match})");
    }

    /// <summary>Each whitespace-separated term as its words, lower-case.</summary>
    public static List<List<string>> Terms(string search) =>
        [.. search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(term => NotAWordCharacter().Split(term).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()).ToList())
            .Where(words => words.Count > 0)
            .Take(MaxTerms)];

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NotAWordCharacter();
}
