using System.Runtime.CompilerServices;

namespace Tenantra.Server.Exports;

/// <summary>
/// The one way writers read a document's rows: checks the columns once and every row's width, and
/// reports progress, so the three writers agree on what a bad document is.
/// </summary>
internal static class ExportRows
{
    /// <summary>How often progress is reported; per row would cost more than writing the row.</summary>
    public const int ProgressInterval = 1000;

    /// <summary>
    /// Yields the rows of <paramref name="document"/>. A row counts as written when the writer asks
    /// for the next one, so the progress figure never runs ahead of the output.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<string?>> ReadAsync(
        ExportDocument document,
        IProgress<long>? rowsWritten,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CheckColumns(document.Columns);
        long index = 0;
        await foreach (var row in document.Rows.WithCancellation(cancellationToken))
        {
            if (row is null)
            {
                throw new ArgumentException($"Row {index} is null.", nameof(document));
            }

            if (row.Count != document.Columns.Count)
            {
                throw new ArgumentException($"Row {index} has {row.Count} values; the document has {document.Columns.Count} columns.", nameof(document));
            }

            yield return row;
            index++;
            if (index % ProgressInterval == 0)
            {
                rowsWritten?.Report(index);
            }
        }

        if (index == 0 || index % ProgressInterval != 0)
        {
            rowsWritten?.Report(index);
        }
    }

    private static void CheckColumns(IReadOnlyList<ExportColumn> columns)
    {
        if (columns.Count == 0)
        {
            throw new ArgumentException("An export needs at least one column.", nameof(columns));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (string.IsNullOrEmpty(column.Key) || !keys.Add(column.Key))
            {
                throw new ArgumentException($"Column keys must be present and unique; '{column.Key}' is not.", nameof(columns));
            }
        }
    }
}
