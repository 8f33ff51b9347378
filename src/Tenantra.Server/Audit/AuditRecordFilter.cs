using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Data;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Audit;

/// <summary>
/// The audit trail's filters, the same for the list, for exports of it and for detections' links.
/// <see cref="Archived"/> (exports only) reads the archive segments of the period first.
/// </summary>
public sealed record AuditRecordFilter(
    string? Action = null,
    AuditOutcome? Outcome = null,
    Guid? ActorUserId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Search = null,
    Guid? OnBehalfOfTenantId = null,
    string? TargetType = null,
    string? TargetId = null,
    string? SourceIp = null,
    bool Archived = false)
{
    public static readonly string[] Names = ["action", "outcome", "actorUserId", "from", "to", "q", "onBehalfOfTenantId", "targetType", "targetId", "sourceIp", "archived"];

    public bool IsEmpty => this == new AuditRecordFilter();

    /// <summary>
    /// The tenant's records that pass every filter set (a search may look its matches up first), and
    /// whether they are known to be more than <see cref="AuditSearch.FewMatches"/>: a search matching
    /// more, with no other filter. Every condition is one row-level security lets PostgreSQL use an
    /// index for (leakproof) — but the words' test, which only ever filters rows found otherwise.
    /// </summary>
    public async Task<(IQueryable<AuditRecord> Records, bool Many)> ApplyAsync(TenantraDbContext db, Guid tenantId, CancellationToken cancellationToken = default)
    {
        var (query, many) = Search is null ? (db.AuditRecords.Where(r => r.TenantId == tenantId), false) : await AuditSearch.MatchingAsync(db, tenantId, Search, cancellationToken);
        if (Action is not null)
        {
            // Case-sensitive on both engines (SQLite's LIKE is not). On PostgreSQL LIKE is not leakproof either; a range of the C
            // collation's order is, and reads the (tenant, action COLLATE "C") index (M0011).
            query = db.IsPostgres && PrefixEnd(Action) is { } end
                ? query.Where(r => string.Compare(EF.Functions.Collate(r.Action, "C"), Action) >= 0 && string.Compare(EF.Functions.Collate(r.Action, "C"), end) < 0)
                : query.Where(r => r.Action.Substring(0, Action.Length) == Action);
        }

        if (Outcome is { } wanted)
        {
            query = query.Where(r => r.Outcome == wanted);
        }

        if (ActorUserId is not null)
        {
            query = query.Where(r => r.ActorUserId == ActorUserId);
        }

        if (OnBehalfOfTenantId is not null)
        {
            query = query.Where(r => r.OnBehalfOfTenantId == OnBehalfOfTenantId);
        }

        if (TargetType is not null)
        {
            query = query.Where(r => r.TargetType == TargetType);
        }

        if (TargetId is not null)
        {
            query = query.Where(r => r.TargetId == TargetId);
        }

        if (SourceIp is not null)
        {
            query = query.Where(r => r.SourceIp == SourceIp);
        }

        if (From is { } from)
        {
            query = query.Where(r => r.OccurredAt >= from.ToUniversalTime());
        }

        if (To is { } to)
        {
            query = query.Where(r => r.OccurredAt < to.ToUniversalTime());
        }

        return (query, many && this with { Search = null } == new AuditRecordFilter());
    }

    /// <summary>The first string after every string that starts with <paramref name="prefix"/>, in code point order (null when its last character has no successor).</summary>
    private static string? PrefixEnd(string prefix) =>
        prefix[^1] is var last && last < '\uD7FF' ? string.Concat(prefix.AsSpan(0, prefix.Length - 1), [(char)(last + 1)]) : null;

    /// <summary>The same test in memory, for records read from an archive segment.</summary>
    public Func<AuditRecord, bool> Predicate()
    {
        var terms = Search is null ? [] : AuditSearch.Terms(Search);
        var (from, to) = (From?.ToUniversalTime(), To?.ToUniversalTime());
        return r => (Action is null || r.Action.StartsWith(Action, StringComparison.Ordinal))
            && (Outcome is null || r.Outcome == Outcome)
            && (ActorUserId is null || r.ActorUserId == ActorUserId)
            && (OnBehalfOfTenantId is null || r.OnBehalfOfTenantId == OnBehalfOfTenantId)
            && (TargetType is null || r.TargetType == TargetType)
            && (TargetId is null || r.TargetId == TargetId)
            && (SourceIp is null || r.SourceIp == SourceIp)
            && (from is null || r.OccurredAt >= from)
            && (to is null || r.OccurredAt < to)
            && (terms.Count == 0 || AuditSearch.Matches(r, terms));
    }

    /// <summary>
    /// The records that pass, oldest first, read a thousand at a time by sequence and untracked, so
    /// memory stays flat however long the trail (exports) — with <see cref="Archived"/>, after those
    /// of each archive segment whose records overlap the period (one segment in memory at a time).
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> StreamAsync(TenantraDbContext db, Guid tenantId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Archived)
        {
            var (from, to) = (From?.ToUniversalTime() ?? DateTimeOffset.MinValue, To?.ToUniversalTime() ?? DateTimeOffset.MaxValue);
            var firsts = await db.AuditArchiveSegments.Where(s => s.TenantId == tenantId && s.LastOccurredAt >= from && s.FirstOccurredAt < to)
                .OrderBy(s => s.FirstSequence).Select(s => s.FirstSequence).ToListAsync(cancellationToken);
            var (archive, passes) = (new AuditArchive(db), Predicate());
            foreach (var first in firsts)
            {
                var segment = await archive.SegmentAsync(tenantId, first, cancellationToken) ?? throw new InvalidOperationException("An archive segment was removed while it was read.");
                foreach (var record in AuditArchive.Read(segment).Where(passes))
                {
                    yield return record;
                }
            }
        }

        const int batchSize = 1000;
        var (matching, _) = await ApplyAsync(db, tenantId, cancellationToken);
        var after = 0L;
        while (true)
        {
            var from = after;
            var batch = await matching.AsNoTracking().Where(r => r.Sequence > from).OrderBy(r => r.Sequence).Take(batchSize).ToListAsync(cancellationToken);
            foreach (var record in batch)
            {
                yield return record;
            }

            if (batch.Count < batchSize)
            {
                yield break;
            }

            after = batch[^1].Sequence;
        }
    }

    /// <summary>From an export's filters (the list's query parameter names), with a field error per bad value.</summary>
    public static AuditRecordFilter Parse(IReadOnlyDictionary<string, string> filters, ValidationErrors errors)
    {
        var values = new FilterValues(filters, errors).Taking("the audit trail", Names);
        return new AuditRecordFilter(
            values.Text("action", 100), values.Choice<AuditOutcome>("outcome"), values.Id("actorUserId", "a user"), values.Time("from"), values.Time("to"), values.Text("q"),
            values.Id("onBehalfOfTenantId", "a tenant"), values.Text("targetType", 64), values.Text("targetId", 100), values.Text("sourceIp", 64), values.Flag("archived"));
    }
}
