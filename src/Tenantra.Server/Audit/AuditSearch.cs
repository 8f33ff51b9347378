using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tenantra.Core.Audit;
using Tenantra.Data;

namespace Tenantra.Server.Audit;

/// <summary>
/// Full-text search over audit records (actor, action, target, source IP, user agent, request id,
/// before and after). Both engines index words — runs of letters and digits — so an email, IP or
/// path is searched as its words in order. Every term must match; the last word of each is a prefix
/// ("kofi" finds "kofi@fabrikam.example", "10.0.0" finds "10.0.0.5"). Search text never reaches SQL
/// as syntax: only words of letters and digits, as parameters. SQLite: FTS5. PostgreSQL: a term
/// matching few records is looked up in the GIN-indexed copy of the words (through
/// <c>audit_search_matches</c>, migration M0008) and its records fetched by key; a term matching many
/// is tested on each record's own words while the other conditions and the newest-first order lead —
/// row-level security keeps PostgreSQL from using the index for that, and it need not.
/// </summary>
public static partial class AuditSearch
{
    public const int MaxTerms = 16;

    /// <summary>
    /// Up to this many matches a search fetches its records by key; beyond, it tests each record. As many
    /// as a filtered list counts, so a search known to match more needs no count.
    /// </summary>
    public const int FewMatches = AuditEndpoints.FilteredCountLimit;

    /// <summary>
    /// The tenant's records matching every term (all of them when the text has no words), and whether
    /// the search is known to match more than <see cref="FewMatches"/> (PostgreSQL only).
    /// </summary>
    public static async Task<(IQueryable<AuditRecord> Records, bool Many)> MatchingAsync(TenantraDbContext db, Guid tenantId, string search, CancellationToken cancellationToken = default)
    {
        var terms = Terms(search);
        if (terms.Count == 0)
        {
            return (db.AuditRecords.Where(r => r.TenantId == tenantId), false);
        }

        if (db.IsPostgres)
        {
            var query = string.Join(" & ", terms.Select(words => string.Join(" <-> ", words.Select((word, i) => i == words.Count - 1 ? $"'{word}':*" : $"'{word}'"))));
            var few = await db.Database
                .SqlQuery<long>($"SELECT sequence AS \"Value\" FROM audit_search_matches({tenantId}, to_tsquery('simple', {query}), {FewMatches + 1})")
                .ToListAsync(cancellationToken);
            return few.Count <= FewMatches
                ? (db.AuditRecords.Where(r => r.TenantId == tenantId && few.Contains(r.Sequence)), false)
                : (db.AuditRecords.FromSql($"SELECT * FROM audit_records WHERE search @@ to_tsquery('simple', {query})").Where(r => r.TenantId == tenantId), true);
        }

        var match = string.Join(' ', terms.Select(words => $"\"{string.Join(' ', words)}\"*"));
        return (db.AuditRecords.FromSql($"SELECT * FROM audit_records WHERE rowid IN (SELECT rowid FROM audit_records_search WHERE audit_records_search MATCH {match})")
            .Where(r => r.TenantId == tenantId), false);
    }

    /// <summary>
    /// On PostgreSQL, a read transaction in which a filtered list is planned for the values at hand:
    /// a prepared statement's generic plan guesses how many records an action prefix or a search term
    /// matches, and over millions of records ten and a million need different plans. Null on SQLite.
    /// </summary>
    public static async Task<IDbContextTransaction?> PlanForValuesAsync(TenantraDbContext db, CancellationToken cancellationToken = default)
    {
        if (!db.IsPostgres)
        {
            return null;
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL plan_cache_mode = force_custom_plan", cancellationToken);
        return transaction;
    }

    /// <summary>Each whitespace-separated term as its words, lower-case.</summary>
    public static List<List<string>> Terms(string search) =>
        [.. search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(term => NotAWordCharacter().Split(term).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()).ToList())
            .Where(words => words.Count > 0)
            .Take(MaxTerms)];

    /// <summary>
    /// Whether the record's words hold every term — its words in order, the last as a prefix — as the
    /// engines' indexes answer it; for records read from an archive segment.
    /// </summary>
    public static bool Matches(AuditRecord r, IReadOnlyList<List<string>> terms)
    {
        var text = string.Join(' ', r.ActorName, r.Action, r.TargetType, r.TargetId, r.SourceIp, r.UserAgent, r.RequestId, r.Before, r.After);
        var words = NotAWordCharacter().Split(text).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()).ToArray();
        return terms.All(term => Enumerable.Range(0, Math.Max(0, words.Length - term.Count + 1)).Any(at => IsAt(words, at, term)));
    }

    private static bool IsAt(string[] words, int at, List<string> term)
    {
        for (var i = 0; i < term.Count - 1; i++)
        {
            if (!string.Equals(words[at + i], term[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return words[at + term.Count - 1].StartsWith(term[^1], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NotAWordCharacter();
}
