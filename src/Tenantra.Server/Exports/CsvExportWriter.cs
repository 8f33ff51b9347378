using System.Text;

namespace Tenantra.Server.Exports;

/// <summary>
/// RFC 4180 CSV in UTF-8 with a byte order mark (so spreadsheets read accents and emoji right):
/// a header row, one line per row, CRLF line ends. Values are kept exactly, except that a cell a
/// spreadsheet would run as a formula gets a leading apostrophe — the same rule as the console's
/// <c>web/src/components/csv.ts</c>, so a file downloaded from either place reads the same. Totals
/// are left out: a CSV stays one table that tools can load without skipping trailing lines.
/// </summary>
public sealed class CsvExportWriter : IExportWriter
{
    private static readonly UTF8Encoding s_utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    public ExportFormat Format => ExportFormat.Csv;

    public async Task<long> WriteAsync(ExportDocument document, Stream output, IProgress<long>? rowsWritten, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, s_utf8WithBom, bufferSize: 64 * 1024, leaveOpen: true);
        var line = new StringBuilder();
        AppendLine(line, document.Columns.Select(c => c.Header).ToList());
        await writer.WriteAsync(line, cancellationToken);
        long rows = 0;
        await foreach (var row in ExportRows.ReadAsync(document, rowsWritten, cancellationToken))
        {
            line.Clear();
            AppendLine(line, row);
            await writer.WriteAsync(line, cancellationToken);
            rows++;
        }

        await writer.FlushAsync(cancellationToken);
        return rows;
    }

    private static void AppendLine(StringBuilder line, IReadOnlyList<string?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            AppendCell(line, values[i]);
        }

        line.Append("\r\n");
    }

    private static void AppendCell(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var neutralised = StartsLikeFormula(value);
        if (value.AsSpan().IndexOfAny("\",\r\n") < 0)
        {
            line.Append(neutralised ? "'" : "").Append(value);
            return;
        }

        line.Append('"');
        if (neutralised)
        {
            line.Append('\'');
        }

        line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>Leading =, +, -, @, tab or carriage return: what spreadsheets evaluate (csv.ts's rule).</summary>
    private static bool StartsLikeFormula(string value) => value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
}
