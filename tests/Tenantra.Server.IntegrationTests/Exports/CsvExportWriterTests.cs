using System.Text;
using Tenantra.Server.Exports;
using static Tenantra.Server.IntegrationTests.Exports.ExportTestSupport;

namespace Tenantra.Server.IntegrationTests.Exports;

public sealed class CsvExportWriterTests
{
    private static readonly ExportColumn[] s_columns = [new("index", "#"), new("value", "=Value, \"raw\""), new("note", "Note")];

    [Fact]
    public async Task Hostile_values_round_trip_exactly_except_formulas_which_get_an_apostrophe()
    {
        var rows = HostileValues.Select((value, i) => (IReadOnlyList<string?>)[i.ToString(System.Globalization.CultureInfo.InvariantCulture), value, "ok"]);
        var output = new ForwardOnlyStream();

        var written = await new CsvExportWriter().WriteAsync(Document(s_columns, Async(rows)), output, null, CancellationToken.None);

        Assert.Equal(HostileValues.Length, written);
        var bytes = output.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("#,\"'=Value, \"\"raw\"\"\",Note\r\n0,plain,ok\r\n1,,ok\r\n", text, StringComparison.Ordinal);
        var records = ParseCsv(text);
        Assert.Equal(HostileValues.Length + 1, records.Count);
        Assert.Equal(["#", "'=Value, \"raw\"", "Note"], records[0]);
        for (var i = 0; i < HostileValues.Length; i++)
        {
            Assert.Equal([i.ToString(System.Globalization.CultureInfo.InvariantCulture), CsvExpected(HostileValues[i]), "ok"], records[i + 1]);
        }
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData(" =1", " =1")]
    [InlineData("1-1", "1-1")]
    [InlineData("'=1", "'=1")]
    public async Task The_formula_rule_matches_the_console(string value, string expectedCell)
    {
        var output = new ForwardOnlyStream();

        await new CsvExportWriter().WriteAsync(Document([new("v", "v")], Async([[value]])), output, null, CancellationToken.None);

        Assert.Equal("\uFEFFv\r\n" + expectedCell + "\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task A_row_with_the_wrong_number_of_values_is_refused_naming_its_index()
    {
        IReadOnlyList<string?>[] rows = [["0", "a", "x"], ["1", "b", "x"], ["2", "c"]];

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            new CsvExportWriter().WriteAsync(Document(s_columns, Async(rows)), new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Contains("Row 2 has 2 values; the document has 3 columns.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totals_stay_out_of_the_csv()
    {
        var output = new ForwardOnlyStream();
        var document = Document([new("v", "v")], Async([["a"]]), () => [new ExportTotal("Total rows", "1")]);

        await new CsvExportWriter().WriteAsync(document, output, null, CancellationToken.None);

        Assert.Equal("\uFEFFv\r\na\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }
}
