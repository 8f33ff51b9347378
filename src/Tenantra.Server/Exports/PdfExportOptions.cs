namespace Tenantra.Server.Exports;

/// <summary>How <see cref="PdfExportWriter"/> runs WeasyPrint and how large a report it accepts.</summary>
public sealed record PdfExportOptions
{
    /// <summary>The WeasyPrint command (Debian package <c>weasyprint</c>); a bare name is looked up on PATH.</summary>
    public string WeasyPrintPath { get; init; } = "weasyprint";

    /// <summary>How long one conversion may take before WeasyPrint is killed (10,000 rows took 33–45 s here; docs/exports.md).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most rows a PDF may hold. WeasyPrint lays out the whole document in memory (about 1.2 GB
    /// for 10,000 rows), so larger exports belong in CSV or JSON; the writer stops reading and fails
    /// as soon as a source goes past this.
    /// </summary>
    public int MaxRows { get; init; } = 10_000;

    /// <summary>Longer values are cut in the PDF (CSV and JSON keep them whole): one 100 KB cell would fill dozens of pages.</summary>
    public int MaxCellLength { get; init; } = 1_000;
}
