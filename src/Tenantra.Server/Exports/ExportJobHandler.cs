using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Data;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Exports;

/// <summary>
/// Writes one export's file (job kind <see cref="Kind"/>): the dataset's document in the chosen
/// format, streamed into a temporary file that is renamed into place when complete, so a download
/// never sees half a file and a re-run after a crash starts clean. Progress is the job's.
/// </summary>
public sealed class ExportJobHandler(TenantraDbContext db, IServiceProvider services, ExportStorage storage, PdfExportOptions pdf, TimeProvider clock) : IJobHandler
{
    public const string Kind = "export.write";

    public sealed record Payload(Guid ExportId);

    public async Task<string?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var exportId = run.Payload<Payload>().ExportId;
        var export = await db.ExportFiles.SingleOrDefaultAsync(e => e.Id == exportId, cancellationToken);
        if (export is null)
        {
            return null; // deleted before it was written: nothing to do
        }

        var dataset = services.GetKeyedService<IExportDataset>(export.Dataset)
            ?? throw new PermanentJobFailureException($"There is no dataset \"{export.Dataset}\" to export.");
        var tenantName = await db.Tenants.Where(t => t.Id == export.TenantId).Select(t => t.Name).SingleAsync(cancellationToken);
        var filters = JsonSerializer.Deserialize<Dictionary<string, string>>(export.Filters) ?? [];
        var document = dataset.Document(services, export.TenantId, tenantName, filters, clock.GetUtcNow());

        var path = storage.PathOf(export);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".part";
        var progress = new JobProgress(run);
        long rows;
        string sha256;
        long size;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                var hashing = new HashingStream(file);
                rows = await WriteAsync(export.FormatOf(), dataset.Key, document, hashing, progress, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                (sha256, size) = (hashing.FinishHash(), hashing.BytesWritten);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (PdfConversionException ex)
        {
            throw new PermanentJobFailureException(ex.Message);
        }
        finally
        {
            File.Delete(partial);
        }

        await progress.FlushAsync(rows, cancellationToken);
        var now = clock.GetUtcNow();
        await db.ExportFiles.Where(e => e.Id == exportId).ExecuteUpdateAsync(
            s => s.SetProperty(e => e.Rows, rows).SetProperty(e => e.SizeBytes, size).SetProperty(e => e.Sha256, sha256).SetProperty(e => e.CompletedAt, now),
            cancellationToken);
        return null;
    }

    private async Task<long> WriteAsync(ExportFormat format, string name, ExportDocument document, Stream output, IProgress<long> progress, CancellationToken cancellationToken)
    {
        if (format != ExportFormat.Zip)
        {
            return await WriterFor(format).WriteAsync(document, output, progress, cancellationToken);
        }

        // The bundle: the table as CSV and as JSON, with the manifest of their hashes; rows counted once (from the CSV).
        var counted = new LatestCount();
        await new ZipExportWriter().WriteAsync(
            [ZipExportEntry.Of(name, new CsvExportWriter(), document, new CompositeProgress(progress, counted)), ZipExportEntry.Of(name, new JsonExportWriter(), document)],
            output,
            cancellationToken);
        return counted.Value;
    }

    private IExportWriter WriterFor(ExportFormat format) => format switch
    {
        ExportFormat.Csv => new CsvExportWriter(),
        ExportFormat.Json => new JsonExportWriter(),
        ExportFormat.Pdf => new PdfExportWriter(pdf),
        _ => throw new PermanentJobFailureException($"No writer for {format}."),
    };

    private sealed class LatestCount : IProgress<long>
    {
        public long Value { get; private set; }

        public void Report(long value) => Value = value;
    }

    /// <summary>Hands row counts to both.</summary>
    private sealed class CompositeProgress(IProgress<long> first, IProgress<long> second) : IProgress<long>
    {
        public void Report(long value)
        {
            first.Report(value);
            second.Report(value);
        }
    }

    /// <summary>
    /// Rows written so far, recorded on the job at most every half second (writers report every
    /// 1,000 rows, synchronously; the database write happens on the next report after the interval).
    /// </summary>
    private sealed class JobProgress(JobRun run) : IProgress<long>
    {
        private long _latest;
        private Task _writing = Task.CompletedTask;
        private long _lastWriteTicks;

        public void Report(long value)
        {
            Interlocked.Exchange(ref _latest, value);
            var now = Environment.TickCount64;
            if (_writing.IsCompleted && now - _lastWriteTicks >= 500)
            {
                _lastWriteTicks = now;
                _writing = run.ReportProgressAsync(value, 0, CancellationToken.None);
            }
        }

        public async Task FlushAsync(long rows, CancellationToken cancellationToken)
        {
            await _writing;
            await run.ReportProgressAsync(rows, rows, cancellationToken);
        }
    }
}
