using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tenantra.Server.Exports;
using static Tenantra.Server.IntegrationTests.Exports.ExportTestSupport;

namespace Tenantra.Server.IntegrationTests.Exports;

public sealed class ZipExportWriterTests
{
    private static readonly ExportColumn[] s_columns = [new("index", "#"), new("value", "Value")];

    private static ExportDocument HostileDocument() =>
        Document(s_columns, Async(HostileValues.Select((value, i) => (IReadOnlyList<string?>)[i.ToString(System.Globalization.CultureInfo.InvariantCulture), value])));

    [Fact]
    public async Task The_manifest_and_SHA256SUMS_match_an_independent_hash_of_every_entry()
    {
        var document = HostileDocument();
        var output = new ForwardOnlyStream();
        ZipExportEntry[] entries =
        [
            ZipExportEntry.Of("assets", new CsvExportWriter(), document),
            ZipExportEntry.Of("assets", new JsonExportWriter(), document),
            ZipExportEntry.Of("assets", new PdfExportWriter(), document),
            new("empty.txt", (_, _) => Task.CompletedTask),
        ];

        var returned = await new ZipExportWriter().WriteAsync(entries, output, CancellationToken.None);

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["assets.csv", "assets.json", "assets.pdf", "empty.txt", "manifest.json", "SHA256SUMS"], archive.Entries.Select(e => e.FullName));
        var actual = archive.Entries.ToDictionary(e => e.FullName, Read);
        using var manifest = JsonDocument.Parse(actual["manifest.json"]);
        var listed = manifest.RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => new ZipManifestEntry(e.GetProperty("name").GetString()!, e.GetProperty("bytes").GetInt64(), e.GetProperty("sha256").GetString()!))
            .ToList();
        var independent = entries.Select(e => new ZipManifestEntry(e.Name, actual[e.Name].Length, Convert.ToHexStringLower(SHA256.HashData(actual[e.Name])))).ToList();
        Assert.Equal(independent, listed);
        Assert.Equal(independent, returned);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", listed[3].Sha256);
        Assert.Equal(
            string.Concat(independent.Select(e => $"{e.Sha256}  {e.Name}\n")),
            Encoding.UTF8.GetString(actual["SHA256SUMS"]));
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(actual["assets.pdf"], 0, 5), StringComparison.Ordinal);
        Assert.Equal(CsvExpected(HostileValues[^1]), ParseCsv(Encoding.UTF8.GetString(actual["assets.csv"]).TrimStart('\uFEFF'))[^1][1]);
    }

    [Fact]
    public async Task Unpacked_files_pass_sha256sum_check_and_a_changed_file_fails_it()
    {
        var output = new ForwardOnlyStream();
        await new ZipExportWriter().WriteAsync([ZipExportEntry.Of("assets", new CsvExportWriter(), HostileDocument())], output, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("tenantra-zip-test-");
        try
        {
            await ZipFile.ExtractToDirectoryAsync(new MemoryStream(output.ToArray()), directory.FullName);

            var check = await RunAsync("sha256sum", directory.FullName, "-c", "SHA256SUMS");
            Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
            Assert.Equal("assets.csv: OK\n", check.Stdout);

            await File.AppendAllTextAsync(Path.Combine(directory.FullName, "assets.csv"), "tampered\r\n");
            var tampered = await RunAsync("sha256sum", directory.FullName, "-c", "SHA256SUMS");
            Assert.Equal(1, tampered.ExitCode);
            Assert.Contains("assets.csv: FAILED", tampered.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("../escape.csv")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b.csv")]
    [InlineData("c:report.csv")]
    [InlineData("line\nbreak.csv")]
    [InlineData("nul\0.csv")]
    [InlineData("")]
    [InlineData(" padded.csv")]
    [InlineData("manifest.json")]
    [InlineData("SHA256SUMS")]
    [InlineData("sha256sums")]
    public async Task Unsafe_or_reserved_entry_names_are_refused_before_anything_is_written(string name)
    {
        var output = new ForwardOnlyStream();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            new ZipExportWriter().WriteAsync([new ZipExportEntry(name, (_, _) => Task.CompletedTask)], output, CancellationToken.None));

        Assert.Equal(0, output.BytesReceived);
    }

    [Fact]
    public async Task The_same_name_twice_is_refused_ignoring_case()
    {
        ZipExportEntry[] entries = [new("a.csv", (_, _) => Task.CompletedTask), new("A.CSV", (_, _) => Task.CompletedTask)];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new ZipExportWriter().WriteAsync(entries, new ForwardOnlyStream(), CancellationToken.None));

        Assert.Contains("'A.CSV' is used twice or is reserved", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
