using System.Text;

namespace Tenantra.Server.Exports;

/// <summary>
/// A branded PDF report (<see cref="PdfReportLayout"/>) made by WeasyPrint. The HTML is streamed to a
/// private temporary directory, converted, copied to the output and deleted whatever happens, so
/// this writer's own memory stays flat; WeasyPrint's does not, hence <see cref="PdfExportOptions.MaxRows"/>.
/// Progress counts rows laid out in the HTML; the conversion that follows reports nothing.
/// Throws <see cref="PdfConversionException"/> when WeasyPrint is missing, fails or times out.
/// </summary>
public sealed class PdfExportWriter(PdfExportOptions? options = null) : IExportWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly PdfExportOptions _options = options ?? new PdfExportOptions();

    public ExportFormat Format => ExportFormat.Pdf;

    public async Task<long> WriteAsync(ExportDocument document, Stream output, IProgress<long>? rowsWritten, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("tenantra-pdf-");
        try
        {
            var htmlPath = Path.Combine(directory.FullName, "report.html");
            var pdfPath = Path.Combine(directory.FullName, "report.pdf");
            long rows;
            await using (var html = new StreamWriter(OpenFile(htmlPath, FileMode.CreateNew, FileAccess.Write), s_utf8))
            {
                rows = await PdfReportLayout.WriteAsync(document, html, _options, rowsWritten, cancellationToken);
            }

            await WeasyPrintConverter.ConvertAsync(_options, htmlPath, pdfPath, cancellationToken);
            await using (var pdf = OpenFile(pdfPath, FileMode.Open, FileAccess.Read))
            {
                await pdf.CopyToAsync(output, cancellationToken);
            }

            return rows;
        }
        finally
        {
            DeleteQuietly(directory);
        }
    }

    private static FileStream OpenFile(string path, FileMode mode, FileAccess access) =>
        new(path, mode, access, FileShare.None, bufferSize: 64 * 1024, useAsync: true);

    private static void DeleteQuietly(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A failed clean-up must not hide the export's own outcome; the directory is private (0700).
        }
    }
}
