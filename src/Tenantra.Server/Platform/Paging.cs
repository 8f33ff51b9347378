using Microsoft.EntityFrameworkCore;

namespace Tenantra.Server.Platform;

/// <summary>
/// Query-string paging shared by list endpoints: <c>page</c> (from 1), <c>pageSize</c> (1–200),
/// optional <c>q</c> search text. Out-of-range values are clamped rather than refused.
/// </summary>
public sealed record PageRequest(int? Page, int? PageSize, string? Q)
{
    public const int MaxPageSize = 200;

    /// <summary>Pages beyond 1,000,000 are clamped, so the offset always fits (and is never negative).</summary>
    public int Number => Math.Clamp(Page ?? 1, 1, 1_000_000);

    public int Size => Math.Clamp(PageSize ?? 50, 1, MaxPageSize);

    public string? Search => string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 200)];
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class PagingExtensions
{
    public static async Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> ordered, PageRequest request, CancellationToken cancellationToken = default)
    {
        var total = await ordered.CountAsync(cancellationToken);
        var items = await ordered.Skip((request.Number - 1) * request.Size).Take(request.Size).ToListAsync(cancellationToken);
        return new Paged<T>(items, request.Number, request.Size, total);
    }
}
