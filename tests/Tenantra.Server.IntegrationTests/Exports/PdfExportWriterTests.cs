using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Tenantra.Server.Exports;
using Xunit.Abstractions;
using static Tenantra.Server.IntegrationTests.Exports.ExportTestSupport;

namespace Tenantra.Server.IntegrationTests.Exports;

/// <summary>
/// PDFs made by the real WeasyPrint and read back with pdftotext (poppler-utils; scripts/test installs
/// both). WeasyPrint is replaced by small scripts only to provoke its failures.
/// </summary>
public sealed partial class PdfExportWriterTests(ITestOutputHelper output) : IDisposable
{
    private const string Injection = "<script>alert(1)</script>";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("tenantra-pdf-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Ten_thousand_rows_make_a_paged_report_with_header_totals_and_literal_markup()
    {
        const int rows = 10_000;
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        async IAsyncEnumerable<IReadOnlyList<string?>> Source()
        {
            for (var i = 0; i < rows; i++)
            {
                var status = (i % 3) switch { 0 => "ok", 1 => "failed", _ => "pending" };
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (i % 1000 == 0)
                {
                    await Task.Yield();
                }

                yield return [$"row-{i:D5}", $"host-{i}.example", status, i == 4321 ? Injection : "steady"];
            }
        }

        var columns = new ExportColumn[] { new("id", "Row"), new("host", "Host"), new("status", "Status"), new("note", "Note") };
        var document = Document(columns, Source(), () =>
            [.. statuses.Select(s => new ExportTotal($"Status {s.Key}", s.Value.ToString(CultureInfo.InvariantCulture))), new ExportTotal("Rows", rows.ToString("N0", CultureInfo.InvariantCulture))]);
        var pdfPath = Path.Combine(_work.FullName, "report.pdf");
        var clock = Stopwatch.StartNew();

        long written;
        await using (var file = File.Create(pdfPath))
        {
            written = await new PdfExportWriter().WriteAsync(document, file, null, CancellationToken.None);
        }

        output.WriteLine($"{rows} rows: {clock.Elapsed.TotalSeconds:F1} s, {new FileInfo(pdfPath).Length:N0} bytes");
        Assert.Equal(rows, written);
        var text = await PdfTextAsync(pdfPath);
        Assert.Contains("Contoso <Ltd> & Sons", text, StringComparison.Ordinal);
        Assert.Contains("Assets", text, StringComparison.Ordinal);
        Assert.Contains("Period: 2025-12-31 22:00 UTC – 2026-02-01 00:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Generated: 2026-03-14 13:09 UTC", text, StringComparison.Ordinal);
        Assert.Matches(@"row-00000\s+host-0\.example\s+ok\s+steady", text);
        Assert.Matches(@"row-05000\s+host-5000\.example\s+pending\s+steady", text);
        Assert.Matches(@"row-09999\s+host-9999\.example\s+ok\s+steady", text);
        Assert.Contains(Injection, text, StringComparison.Ordinal);
        Assert.Matches(@"Status ok\s+3334", text);
        Assert.Matches(@"Status failed\s+3333", text);
        Assert.Matches(@"Status pending\s+3333", text);
        Assert.Matches(@"Rows\s+10,000", text);
        var pages = int.Parse(PageOneOf().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(pages > 100, $"{pages} pages");
        Assert.Contains($"Page {pages} of {pages}", text, StringComparison.Ordinal);
        // The header row and the running header repeat on every page.
        Assert.Equal(pages, Regex.Count(text, @"Row\s+Host\s+Status\s+Note"));
        Assert.Equal(pages, Regex.Count(text, "Contoso <Ltd> & Sons · Assets"));
    }

    [Fact]
    public async Task Hostile_values_print_as_plain_text_and_wide_tables_turn_landscape()
    {
        var columns = Enumerable.Range(0, 7).Select(i => new ExportColumn($"c{i}", $"<i>C{i}</i>")).ToArray();
        string?[] hostile = ["<img src=x>", "nul\0here", "bidi\u202Egnp.exe", "a\tb", "emoji 😀", new string('y', 100_000), null];
        var pdfPath = Path.Combine(_work.FullName, "hostile.pdf");

        await using (var file = File.Create(pdfPath))
        {
            await new PdfExportWriter().WriteAsync(Document(columns, Async([hostile])), file, null, CancellationToken.None);
        }

        var text = await PdfTextAsync(pdfPath);
        Assert.Contains("<i>C0</i>", text, StringComparison.Ordinal);
        Assert.Contains("<img src=x>", text, StringComparison.Ordinal);
        Assert.Contains("nulhere", text, StringComparison.Ordinal);
        Assert.Contains("bidignp.exe", text, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('y', 1_001), text.Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var info = await RunAsync("pdfinfo", null, pdfPath);
        Assert.Matches(@"Page size:\s+841\.89 x 595\.2\d+ pts \(A4\)", info.Stdout);
    }

    [Fact]
    public void Values_lose_control_and_bidi_override_characters_and_are_html_encoded()
    {
        Assert.Equal("ab&#xA;&#x9;c&lt;x&gt;&amp;&quot;&#x200F;", PdfReportLayout.Text("a\0b\r\n\t\u202Ec<x>&\"\u200F\u001b"));
        Assert.Equal("xxxx&#x2026;", PdfReportLayout.Text("xxxxxxx", 4));
        Assert.Equal("xxx&#x2026;", PdfReportLayout.Text("xxx😀x", 4));
    }

    [Fact]
    public async Task A_missing_weasyprint_is_a_clear_conversion_error()
    {
        var writer = new PdfExportWriter(new PdfExportOptions { WeasyPrintPath = "/nonexistent/weasyprint" });

        var error = await Assert.ThrowsAsync<PdfConversionException>(() =>
            writer.WriteAsync(Document([new("v", "V")], Async([["x"]])), new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Contains("WeasyPrint ('/nonexistent/weasyprint') could not be started", error.Message, StringComparison.Ordinal);
        Assert.Contains("Install the Debian package weasyprint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_weasyprint_reports_its_exit_code_and_stderr_and_leaves_no_temporary_files()
    {
        var record = Path.Combine(_work.FullName, "input");
        var script = FakeWeasyPrint($"test -f \"$5\" && echo \"$5\" > '{record}'\necho 'boom: the layout broke' >&2\nexit 3");
        var writer = new PdfExportWriter(new PdfExportOptions { WeasyPrintPath = script });

        var error = await Assert.ThrowsAsync<PdfConversionException>(() =>
            writer.WriteAsync(Document([new("v", "V")], Async([["x"]])), new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Equal("WeasyPrint failed (exit code 3): boom: the layout broke", error.Message);
        var html = (await File.ReadAllTextAsync(record)).Trim();
        Assert.EndsWith("report.html", html, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(html)), "the temporary directory is left behind");
    }

    [Fact]
    public async Task A_weasyprint_that_hangs_is_stopped_at_the_timeout()
    {
        var writer = new PdfExportWriter(new PdfExportOptions { WeasyPrintPath = FakeWeasyPrint("exec sleep 60"), Timeout = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<PdfConversionException>(() =>
            writer.WriteAsync(Document([new("v", "V")], Async([["x"]])), new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Equal("WeasyPrint did not finish within 1 s and was stopped; export fewer rows or use CSV.", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task More_rows_than_a_pdf_holds_fail_before_weasyprint_runs()
    {
        var produced = 0;
        async IAsyncEnumerable<IReadOnlyList<string?>> Source()
        {
            for (var i = 0; i < 100; i++)
            {
                produced++;
                await Task.Yield();
                yield return ["x"];
            }
        }

        var writer = new PdfExportWriter(new PdfExportOptions { MaxRows = 5, WeasyPrintPath = "/nonexistent/weasyprint" });

        var error = await Assert.ThrowsAsync<PdfConversionException>(() =>
            writer.WriteAsync(Document([new("v", "V")], Source()), new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Equal("A PDF export holds at most 5 rows and this one has more; export it as CSV or JSON, or narrow the filter.", error.Message);
        Assert.Equal(6, produced);
    }

    private string FakeWeasyPrint(string body)
    {
        var path = Path.Combine(_work.FullName, "fake-weasyprint");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return path;
    }

    [GeneratedRegex(@"Page 1 of (\d+)")]
    private static partial Regex PageOneOf();
}
