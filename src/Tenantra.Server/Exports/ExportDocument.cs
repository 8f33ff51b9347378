namespace Tenantra.Server.Exports;

/// <summary>One column of an export: <see cref="Key"/> names the value in JSON, <see cref="Header"/> is what people read.</summary>
public sealed record ExportColumn(string Key, string Header);

/// <summary>A summary line printed after the table (e.g. "Failed: 12"); CSV leaves totals out so it stays a pure table.</summary>
public sealed record ExportTotal(string Label, string Value);

/// <summary>
/// A small table printed after the main one and its totals (e.g. the signatures that vouch for it):
/// in JSON and PDF, not in CSV (which stays one table).
/// </summary>
public sealed record ExportAppendix(string Title, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

/// <summary>
/// One table to export, described once and written as CSV, JSON or PDF. Rows arrive as an async
/// stream so a writer never holds them all: a source can page through the database while the
/// writer sends bytes. Writers enumerate <see cref="Rows"/> once per write, so a document written in
/// two formats (a ZIP holding a CSV and a PDF) must come from a source that can be enumerated again.
/// </summary>
public sealed record ExportDocument
{
    public required string Title { get; init; }

    public required string TenantName { get; init; }

    /// <summary>The period the data covers, when it covers one; either end may be open.</summary>
    public DateTimeOffset? PeriodFrom { get; init; }

    public DateTimeOffset? PeriodTo { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<ExportColumn> Columns { get; init; }

    /// <summary>One value per column, in column order; null is an empty cell.</summary>
    public required IAsyncEnumerable<IReadOnlyList<string?>> Rows { get; init; }

    /// <summary>
    /// Called after the last row has been enumerated, so a source can count while it streams
    /// (rows per status) instead of running a second query.
    /// </summary>
    public Func<IReadOnlyList<ExportTotal>>? Totals { get; init; }

    /// <summary>Called after <see cref="Totals"/>, for the same reason.</summary>
    public Func<IReadOnlyList<ExportAppendix>>? Appendices { get; init; }

    /// <summary>Whether the document covers a period, i.e. has at least one end.</summary>
    public bool HasPeriod => PeriodFrom is not null || PeriodTo is not null;
}
