namespace Tenantra.Server.Exports;

/// <summary>
/// Writes one <see cref="ExportDocument"/> in one format. Implementations stream: memory stays flat
/// however many rows the document has, and bytes reach <c>output</c> while rows are still coming.
/// They write asynchronously only (an HTTP response body refuses synchronous writes), never close
/// <c>output</c>, and throw <see cref="ArgumentException"/> naming the row when a row has the wrong
/// number of values.
/// </summary>
public interface IExportWriter
{
    ExportFormat Format { get; }

    /// <summary>
    /// Writes the document and returns how many rows were written. <paramref name="rowsWritten"/>
    /// hears the running count every 1,000 rows and once at the end.
    /// </summary>
    Task<long> WriteAsync(ExportDocument document, Stream output, IProgress<long>? rowsWritten, CancellationToken cancellationToken);
}
