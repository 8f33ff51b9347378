using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tenantra.Server.Exports;

namespace Tenantra.Server.IntegrationTests.Exports;

/// <summary>Documents, hostile values, a strict output stream and the tools the export tests read files back with.</summary>
internal static class ExportTestSupport
{
    public static readonly DateTimeOffset GeneratedAt = new(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2));

    /// <summary>Everything a value should survive: markup, CSV syntax, line ends, control and bidi characters, emoji, 100 KB, formulas.</summary>
    public static readonly string?[] HostileValues =
    [
        "plain",
        null,
        "",
        "<script>alert('x')</script>",
        "<b>bold</b> & \"quoted\" 'single'",
        "a,b,c",
        "say \"hi\"",
        "\"",
        "line1\r\nline2",
        "carriage\rreturn",
        "line\nfeed",
        "trailing newline\n",
        "nul\0byte",
        "bell\a escape\u001b[31m red",
        "\u202Egnp.exe\u202C",
        "\u200Fשלום \u200E",
        "emoji 😀 👩‍💻 🇫🇷",
        new string('x', 100_000),
        "=SUM(A1:A2)",
        "+33 1 23 45 67 89",
        "-1",
        "@cmd",
        "\tleading tab",
        "\rleading CR",
        "=\"quoted\",formula",
        " =leading space is not a formula",
        "a=b",
        "'already apostrophed",
    ];

    /// <summary>What the console's csv.ts makes of a value: formulas get an apostrophe, null is empty.</summary>
    public static string CsvExpected(string? value) =>
        value is null ? "" : value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    public static ExportDocument Document(
        IReadOnlyList<ExportColumn> columns,
        IAsyncEnumerable<IReadOnlyList<string?>> rows,
        Func<IReadOnlyList<ExportTotal>>? totals = null,
        string tenantName = "Contoso <Ltd> & Sons",
        string title = "Assets") => new()
        {
            Title = title,
            TenantName = tenantName,
            PeriodFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)),
            PeriodTo = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
            GeneratedAt = GeneratedAt,
            Columns = columns,
            Rows = rows,
            Totals = totals,
        };

    public static async IAsyncEnumerable<IReadOnlyList<string?>> Async(IEnumerable<IReadOnlyList<string?>> rows)
    {
        var index = 0;
        foreach (var row in rows)
        {
            if (++index % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return row;
        }
    }

    /// <summary>A strict RFC 4180 reader: fails on a lone CR or LF outside quotes, or a quote inside an unquoted field.</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("Unterminated quoted field.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        throw new FormatException($"Quote inside an unquoted field at {i}.");
                    }

                    field.Append(text[i++]);
                }
            }

            record.Add(field.ToString());
            field.Clear();
            if (i == text.Length)
            {
                throw new FormatException("The last record does not end with CRLF.");
            }

            if (text[i] == ',')
            {
                i++;
                continue;
            }

            if (text[i] != '\r' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                throw new FormatException($"Expected CRLF at {i}.");
            }

            i += 2;
            records.Add(record);
            record = [];
        }

        return records;
    }

    /// <summary>
    /// Requests an export of <paramref name="dataset"/> through the API, waits for the job worker to
    /// finish it (the app must run workers) and downloads the file.
    /// </summary>
    public static async Task<byte[]> ExportAsync(HttpClient client, Guid tenant, string dataset, string format, object filters)
    {
        var created = await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset, format, filters }).ReadAsync(HttpStatusCode.Accepted);
        var id = created.GetProperty("id").GetString();
        for (var i = 0; i < 2400; i++)
        {
            var export = await client.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}").ReadAsync(HttpStatusCode.OK);
            switch (export.GetProperty("status").GetString())
            {
                case "ready":
                    return await client.GetByteArrayAsync($"/api/v1/tenants/{tenant}/exports/{id}/file");
                case "failed":
                    throw new Xunit.Sdk.XunitException($"The export failed: {export.GetProperty("error")}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The export did not finish.");
    }

    /// <summary>A PDF's text as pdftotext (poppler-utils) lays it out, or in reading order (cell after cell) without <paramref name="layout"/>.</summary>
    public static async Task<string> PdfTextAsync(string pdfPath, bool layout = true)
    {
        var (exitCode, stdout, stderr) = await RunAsync("pdftotext", null, layout ? "-layout" : "-raw", "-enc", "UTF-8", pdfPath, "-");
        Assert.True(exitCode == 0, $"pdftotext (poppler-utils) failed: {stderr}");
        return stdout;
    }

    /// <summary>Runs a command-line tool to completion (30 s at most) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string tool, string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>
/// An output like an HTTP response body: forward only, and synchronous writes refused (Kestrel's
/// default), so a writer that blocks a thread fails the test. Keeps what it receives.
/// </summary>
internal sealed class ForwardOnlyStream : Stream
{
    private readonly MemoryStream _received = new();

    public long BytesReceived => _received.Length;

    public byte[] ToArray() => _received.ToArray();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write.");

    public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("Synchronous write.");

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _received.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => throw new InvalidOperationException("Synchronous flush.");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _received.Dispose();
        }

        base.Dispose(disposing);
    }
}
