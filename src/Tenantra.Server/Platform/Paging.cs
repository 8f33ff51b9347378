using System.Linq.Expressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Tenantra.Server.Platform;

/// <summary>
/// Query-string paging shared by list endpoints: <c>page</c> (from 1), <c>pageSize</c> (1–200),
/// optional <c>q</c> search text and <c>sort</c> (a column key, <c>-</c> in front for descending;
/// each endpoint lists its keys). Out-of-range page values are clamped; an unknown sort key is a 400.
/// </summary>
public sealed record PageRequest(
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "pageSize")] int? PageSize,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "sort")] string? Sort)
{
    public const int MaxPageSize = 200;

    /// <summary>Pages beyond 1,000,000 are clamped, so the offset always fits (and is never negative).</summary>
    public int Number => Math.Clamp(Page ?? 1, 1, 1_000_000);

    public int Size => Math.Clamp(PageSize ?? 50, 1, MaxPageSize);

    public string? Search => string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 200)];
}

/// <summary>
/// One page of a list. <see cref="TotalIsAtLeast"/>: the list stopped counting at <see cref="Total"/>
/// (a search over a very long list), so there are at least that many.
/// </summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total, bool TotalIsAtLeast = false);

/// <summary>
/// The columns a list can be sorted by, each a key expression, plus the order used when no
/// <c>sort</c> is given. A tie-breaker keeps pages stable when sort values repeat.
/// </summary>
public sealed class SortKeys<T>
{
    private readonly Dictionary<string, Expression<Func<T, object?>>> _keys;
    private readonly string _defaultSort;
    private readonly Expression<Func<T, object?>> _tieBreaker;

    public SortKeys(string defaultSort, Expression<Func<T, object?>> tieBreaker, IReadOnlyDictionary<string, Expression<Func<T, object?>>> keys)
    {
        _keys = new Dictionary<string, Expression<Func<T, object?>>>(keys, StringComparer.Ordinal);
        _defaultSort = defaultSort;
        _tieBreaker = tieBreaker;
        if (!_keys.ContainsKey(defaultSort.TrimStart('-')))
        {
            throw new ArgumentException($"The default sort '{defaultSort}' is not one of the keys.", nameof(defaultSort));
        }
    }

    public IEnumerable<string> Names => _keys.Keys;

    /// <summary>Orders <paramref name="query"/>; throws <see cref="InvalidQueryException"/> for a key not in the list.</summary>
    public IOrderedQueryable<T> Apply(IQueryable<T> query, string? sort)
    {
        var requested = string.IsNullOrWhiteSpace(sort) ? _defaultSort : sort.Trim();
        var descending = requested.StartsWith('-');
        var name = descending ? requested[1..] : requested;
        if (!_keys.TryGetValue(name, out var key))
        {
            throw new InvalidQueryException("sort", $"must be one of: {string.Join(", ", _keys.Keys)} (prefix '-' for descending).");
        }

        var ordered = descending ? query.OrderByDescending(key) : query.OrderBy(key);
        return descending ? ordered.ThenByDescending(_tieBreaker) : ordered.ThenBy(_tieBreaker);
    }
}

/// <summary>A query-string value the endpoint cannot use; becomes a 400 naming the parameter.</summary>
public sealed class InvalidQueryException(string parameter, string message) : Exception($"{parameter} {message}")
{
    public string Parameter { get; } = parameter;

    public string Reason { get; } = message;
}

public static class PagingExtensions
{
    public static async Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> ordered, PageRequest request, CancellationToken cancellationToken = default)
    {
        var total = await ordered.CountAsync(cancellationToken);
        var items = await ordered.Skip((request.Number - 1) * request.Size).Take(request.Size).ToListAsync(cancellationToken);
        return new Paged<T>(items, request.Number, request.Size, total);
    }

    /// <summary>
    /// A page of <paramref name="matching"/> in the order <paramref name="ordered"/> gives it, whose total
    /// counts no further than <paramref name="countLimit"/> (unordered, so counting stops at the limit):
    /// for searches over lists of millions, where an exact count of a broad match costs more than the
    /// page. Past the limit the total says "at least".
    /// </summary>
    public static async Task<Paged<T>> ToPageCountingUpToAsync<TSource, T>(
        this IQueryable<TSource> matching, Func<IQueryable<TSource>, IQueryable<T>> ordered, PageRequest request, int countLimit, CancellationToken cancellationToken = default)
    {
        var counted = await matching.Take(countLimit + 1).CountAsync(cancellationToken);
        var items = await ordered(matching).Skip((request.Number - 1) * request.Size).Take(request.Size).ToListAsync(cancellationToken);
        return new Paged<T>(items, request.Number, request.Size, Math.Min(counted, countLimit), counted > countLimit);
    }

    /// <summary>A page of <paramref name="matching"/> known to hold more than <paramref name="countLimit"/> items: not counted, the total says "at least".</summary>
    public static async Task<Paged<T>> ToPageAtLeastAsync<TSource, T>(
        this IQueryable<TSource> matching, Func<IQueryable<TSource>, IQueryable<T>> ordered, PageRequest request, int countLimit, CancellationToken cancellationToken = default)
    {
        var items = await ordered(matching).Skip((request.Number - 1) * request.Size).Take(request.Size).ToListAsync(cancellationToken);
        return new Paged<T>(items, request.Number, request.Size, countLimit, TotalIsAtLeast: true);
    }
}
