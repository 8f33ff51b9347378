using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Tenantra.Server.Exports;

/// <summary>
/// The one branded HTML layout every PDF export uses, written row by row to a file for WeasyPrint:
/// tenant, title, period and generation time on top, the tenant and title again at the top of every
/// page and "Page X of Y" at the bottom (CSS margin boxes, so no value ever lands in CSS), the table
/// with its header row repeated on each page and equal column widths (a fixed layout: one huge value
/// cannot squeeze the other columns, and WeasyPrint need not measure every cell first), then the totals and appendices. Every value is HTML-encoded, loses
/// control characters (tab and newline stay) and bidirectional overrides (which could make a cell
/// read backwards), and is cut at <see cref="PdfExportOptions.MaxCellLength"/>.
/// </summary>
internal static class PdfReportLayout
{
    /// <summary>Wider tables turn the page: seven columns no longer fit portrait A4 legibly.</summary>
    private const int PortraitColumnLimit = 6;

    private const string Css = """
        @page {
          size: A4 {orientation};
          margin: 16mm 12mm 16mm 12mm;
          @top-left { content: string(tenant) " · " string(title); font-size: 7pt; color: #555; }
          @bottom-left { content: "Tenantra"; font-size: 7pt; color: #1d4ed8; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 7pt; color: #555; }
        }
        body { font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; color: #111; }
        header { border-bottom: 2pt solid #1d4ed8; padding-bottom: 4pt; margin-bottom: 8pt; }
        .tenant { string-set: tenant content(); font-size: 10pt; font-weight: bold; color: #1d4ed8; }
        h1 { string-set: title content(); font-size: 14pt; margin: 2pt 0; }
        .meta { color: #555; margin: 0; }
        table { border-collapse: collapse; width: 100%; table-layout: fixed; }
        thead { display: table-header-group; }
        th { text-align: left; background: #eef2ff; border-bottom: 1pt solid #1d4ed8; }
        th, td { padding: 1.5pt 3pt; vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; }
        td { border-bottom: 0.5pt solid #e5e7eb; }
        tr { break-inside: avoid; }
        .totals { margin-top: 10pt; break-inside: avoid; border-collapse: collapse; width: auto; }
        .totals th { background: none; border: none; padding-right: 12pt; }
        h2 { font-size: 10pt; margin: 12pt 0 4pt; break-after: avoid; }
        .appendix td { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; }
        """;

    /// <summary>Writes the whole page and returns the number of rows, failing once a source passes the row limit.</summary>
    public static async Task<long> WriteAsync(
        ExportDocument document,
        TextWriter html,
        PdfExportOptions options,
        IProgress<long>? rowsWritten,
        CancellationToken cancellationToken)
    {
        await html.WriteAsync(Head(document));
        var line = new StringBuilder();
        long rows = 0;
        await foreach (var row in ExportRows.ReadAsync(document, rowsWritten, cancellationToken))
        {
            if (rows == options.MaxRows)
            {
                throw new PdfConversionException(
                    $"A PDF export holds at most {options.MaxRows:N0} rows and this one has more; export it as CSV or JSON, or narrow the filter.");
            }

            line.Clear().Append("<tr>");
            foreach (var value in row)
            {
                line.Append("<td>").Append(Text(value, options.MaxCellLength)).Append("</td>");
            }

            line.Append("</tr>\n");
            await html.WriteAsync(line, cancellationToken);
            rows++;
        }

        await html.WriteAsync(Tail(document, options.MaxCellLength));
        return rows;
    }

    private static string Head(ExportDocument document)
    {
        var orientation = document.Columns.Count > PortraitColumnLimit ? "landscape" : "portrait";
        var head = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(Text(document.Title))
            .Append("</title><style>")
            .Append(Css.Replace("{orientation}", orientation, StringComparison.Ordinal))
            .Append("</style></head><body>\n<header><div class=\"tenant\">")
            .Append(Text(document.TenantName))
            .Append("</div><h1>")
            .Append(Text(document.Title))
            .Append("</h1>");
        if (document.HasPeriod)
        {
            head.Append("<p class=\"meta\">Period: ").Append(Time(document.PeriodFrom)).Append(" – ").Append(Time(document.PeriodTo)).Append("</p>");
        }

        head.Append("<p class=\"meta\">Generated: ").Append(Time(document.GeneratedAt)).Append("</p></header>\n<table><thead><tr>");
        foreach (var column in document.Columns)
        {
            head.Append("<th>").Append(Text(column.Header)).Append("</th>");
        }

        return head.Append("</tr></thead><tbody>\n").ToString();
    }

    private static string Tail(ExportDocument document, int maxCellLength)
    {
        var tail = new StringBuilder("</tbody></table>\n");
        var totals = document.Totals?.Invoke() ?? [];
        if (totals.Count > 0)
        {
            tail.Append("<table class=\"totals\"><tbody>\n");
            foreach (var total in totals)
            {
                tail.Append("<tr><th>").Append(Text(total.Label, maxCellLength)).Append("</th><td>").Append(Text(total.Value, maxCellLength)).Append("</td></tr>\n");
            }

            tail.Append("</tbody></table>\n");
        }

        foreach (var appendix in document.Appendices?.Invoke() ?? [])
        {
            tail.Append("<h2>").Append(Text(appendix.Title)).Append("</h2>\n<table class=\"appendix\"><thead><tr>");
            foreach (var column in appendix.Columns)
            {
                tail.Append("<th>").Append(Text(column.Header)).Append("</th>");
            }

            tail.Append("</tr></thead><tbody>\n");
            foreach (var row in appendix.Rows)
            {
                tail.Append("<tr>");
                foreach (var value in row)
                {
                    tail.Append("<td>").Append(Text(value, maxCellLength)).Append("</td>");
                }

                tail.Append("</tr>\n");
            }

            tail.Append("</tbody></table>\n");
        }

        return tail.Append("</body></html>\n").ToString();
    }

    private static string Time(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "…";

    /// <summary>A value made safe and readable for the page; see the class summary.</summary>
    internal static string Text(string? value, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var kept = new StringBuilder(Math.Min(value.Length, maxLength) + 1);
        foreach (var c in value)
        {
            if (kept.Length >= maxLength)
            {
                if (char.IsHighSurrogate(kept[^1]))
                {
                    kept.Length--;
                }

                kept.Append('…');
                break;
            }

            if ((!char.IsControl(c) || c is '\t' or '\n') && !IsBidiOverride(c))
            {
                kept.Append(c);
            }
        }

        return HtmlEncoder.Default.Encode(kept.ToString());
    }

    /// <summary>Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069); plain RTL marks stay.</summary>
    private static bool IsBidiOverride(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
