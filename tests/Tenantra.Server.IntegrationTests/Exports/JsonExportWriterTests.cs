using System.Text;
using System.Text.Json;
using Tenantra.Server.Exports;
using static Tenantra.Server.IntegrationTests.Exports.ExportTestSupport;

namespace Tenantra.Server.IntegrationTests.Exports;

public sealed class JsonExportWriterTests
{
    private static readonly ExportColumn[] s_columns = [new("index", "#"), new("value", "<Value> \"raw\""), new("status", "Status")];

    [Fact]
    public async Task The_document_reads_back_with_its_exact_structure_and_values()
    {
        var statuses = new Dictionary<string, int>();
        async IAsyncEnumerable<IReadOnlyList<string?>> Source()
        {
            await foreach (var row in Async(HostileValues.Select((value, i) => (IReadOnlyList<string?>)[i.ToString(System.Globalization.CultureInfo.InvariantCulture), value, i % 3 == 0 ? "failed" : "ok"])))
            {
                statuses[row[2]!] = statuses.GetValueOrDefault(row[2]!) + 1;
                yield return row;
            }
        }

        var document = Document(s_columns, Source(), () => [.. statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new ExportTotal(s.Key, s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))]) with
        {
            Appendices = () => [new ExportAppendix("Signatures", [new("key", "Key"), new("signature", "Signature")], [["k1", "<sig>"], ["k2", null]])],
        };
        var output = new ForwardOnlyStream();

        var written = await new JsonExportWriter().WriteAsync(document, output, null, CancellationToken.None);

        Assert.Equal(HostileValues.Length, written);
        using var json = JsonDocument.Parse(output.ToArray());
        var root = json.RootElement;
        Assert.Equal(["title", "tenant", "period", "generatedAt", "columns", "rows", "totals", "appendices"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Assets", root.GetProperty("title").GetString());
        Assert.Equal("Contoso <Ltd> & Sons", root.GetProperty("tenant").GetString());
        Assert.Equal("2025-12-31T22:00:00Z", root.GetProperty("period").GetProperty("from").GetString());
        Assert.Equal("2026-02-01T00:00:00Z", root.GetProperty("period").GetProperty("to").GetString());
        Assert.Equal("2026-03-14T13:09:26Z", root.GetProperty("generatedAt").GetString());
        Assert.Equal(
            [("index", "#"), ("value", "<Value> \"raw\""), ("status", "Status")],
            root.GetProperty("columns").EnumerateArray().Select(c => (c.GetProperty("key").GetString(), c.GetProperty("header").GetString())));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(HostileValues.Length, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(["index", "value", "status"], rows[i].EnumerateObject().Select(p => p.Name));
            var value = rows[i].GetProperty("value");
            Assert.Equal(HostileValues[i] is null ? JsonValueKind.Null : JsonValueKind.String, value.ValueKind);
            Assert.Equal(HostileValues[i], value.GetString());
        }

        Assert.Equal(
            [("failed", "10"), ("ok", "18")],
            root.GetProperty("totals").EnumerateArray().Select(t => (t.GetProperty("label").GetString(), t.GetProperty("value").GetString())));
        var appendix = Assert.Single(root.GetProperty("appendices").EnumerateArray().ToList());
        Assert.Equal("Signatures", appendix.GetProperty("title").GetString());
        Assert.Equal(["key", "signature"], appendix.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("key").GetString()));
        Assert.Equal(
            [("k1", "<sig>"), ("k2", null)],
            appendix.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("signature").GetString())));
    }

    [Fact]
    public async Task Without_period_totals_or_appendices_the_period_is_null_and_the_lists_empty()
    {
        var document = Document([new("v", "V")], Async([["x"]])) with { PeriodFrom = null, PeriodTo = null };
        var output = new ForwardOnlyStream();

        await new JsonExportWriter().WriteAsync(document, output, null, CancellationToken.None);

        Assert.Equal(
            """{"title":"Assets","tenant":"Contoso \u003CLtd\u003E \u0026 Sons","period":null,"generatedAt":"2026-03-14T13:09:26Z","columns":[{"key":"v","header":"V"}],"rows":[{"v":"x"}],"totals":[],"appendices":[]}""",
            Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task An_open_ended_period_keeps_the_missing_end_null()
    {
        var document = Document([new("v", "V")], Async([["x"]])) with { PeriodTo = null };
        var output = new ForwardOnlyStream();

        await new JsonExportWriter().WriteAsync(document, output, null, CancellationToken.None);

        using var json = JsonDocument.Parse(output.ToArray());
        var period = json.RootElement.GetProperty("period");
        Assert.Equal("2025-12-31T22:00:00Z", period.GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, period.GetProperty("to").ValueKind);
    }

    [Theory]
    [InlineData(new[] { "a", "a" }, "'a' is not")]
    [InlineData(new[] { "a", "" }, "'' is not")]
    public async Task Duplicate_or_empty_column_keys_are_refused(string[] keys, string message)
    {
        var document = Document([.. keys.Select(k => new ExportColumn(k, k))], Async([["1", "2"]]));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new JsonExportWriter().WriteAsync(document, new ForwardOnlyStream(), null, CancellationToken.None));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
