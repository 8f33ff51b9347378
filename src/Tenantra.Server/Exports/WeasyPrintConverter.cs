using System.ComponentModel;
using System.Diagnostics;

namespace Tenantra.Server.Exports;

/// <summary>
/// Runs WeasyPrint on an HTML file: arguments passed as a list (no shell, so no path is ever
/// interpreted), stdin closed, stderr kept for the failure message, killed at the timeout.
/// </summary>
internal static class WeasyPrintConverter
{
    /// <summary>How much of WeasyPrint's stderr a failure message carries (the end, where the error is).</summary>
    private const int StderrTailLength = 2000;

    public static async Task ConvertAsync(PdfExportOptions options, string htmlPath, string pdfPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.WeasyPrintPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(htmlPath),
        };
        foreach (var argument in new[] { "--encoding", "utf-8", "--media-type", "print", htmlPath, pdfPath })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Start(start, options.WeasyPrintPath);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new PdfConversionException($"WeasyPrint did not finish within {options.Timeout.TotalSeconds:N0} s and was stopped; export fewer rows or use CSV.");
        }

        var errors = await stderr;
        await stdout;
        if (process.ExitCode != 0 || !File.Exists(pdfPath))
        {
            var tail = errors.Length > StderrTailLength ? errors[^StderrTailLength..] : errors;
            throw new PdfConversionException($"WeasyPrint failed (exit code {process.ExitCode}): {tail.Trim()}");
        }
    }

    private static Process Start(ProcessStartInfo start, string path)
    {
        try
        {
            return Process.Start(start) ?? throw new PdfConversionException($"WeasyPrint ('{path}') did not start.");
        }
        catch (Win32Exception e)
        {
            throw new PdfConversionException(
                $"WeasyPrint ('{path}') could not be started: {e.Message}. Install the Debian package weasyprint or set the path to it.", e);
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill: nothing left to stop.
        }

        await process.WaitForExitAsync(CancellationToken.None);
    }
}
