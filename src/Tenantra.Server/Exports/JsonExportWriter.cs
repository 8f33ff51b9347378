using System.Text.Json;

namespace Tenantra.Server.Exports;

/// <summary>
/// One JSON object: title, tenant, period (or null), generatedAt, columns, rows as objects keyed by
/// column key, totals, and appendices (title, columns, rows alike). Timestamps are ISO 8601 in UTC. Written with <see cref="Utf8JsonWriter"/>
/// and flushed whenever a buffer's worth is pending, so a million rows never sit in memory; HTML
/// characters stay escaped (the default encoder), so the file is safe to embed in a page too.
/// </summary>
public sealed class JsonExportWriter : IExportWriter
{
    private const int FlushThreshold = 64 * 1024;

    public ExportFormat Format => ExportFormat.Json;

    public async Task<long> WriteAsync(ExportDocument document, Stream output, IProgress<long>? rowsWritten, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("title", document.Title);
        json.WriteString("tenant", document.TenantName);
        WritePeriod(json, document);
        json.WriteString("generatedAt", document.GeneratedAt.UtcDateTime);
        WriteColumns(json, document.Columns);
        json.WriteStartArray("rows");
        long rows = 0;
        await foreach (var row in ExportRows.ReadAsync(document, rowsWritten, cancellationToken))
        {
            WriteRow(json, document.Columns, row);
            rows++;
            if (json.BytesPending >= FlushThreshold)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("totals");
        foreach (var total in document.Totals?.Invoke() ?? [])
        {
            json.WriteStartObject();
            json.WriteString("label", total.Label);
            json.WriteString("value", total.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("appendices");
        foreach (var appendix in document.Appendices?.Invoke() ?? [])
        {
            json.WriteStartObject();
            json.WriteString("title", appendix.Title);
            WriteColumns(json, appendix.Columns);
            json.WriteStartArray("rows");
            foreach (var row in appendix.Rows)
            {
                WriteRow(json, appendix.Columns, row);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return rows;
    }

    private static void WriteColumns(Utf8JsonWriter json, IReadOnlyList<ExportColumn> columns)
    {
        json.WriteStartArray("columns");
        foreach (var column in columns)
        {
            json.WriteStartObject();
            json.WriteString("key", column.Key);
            json.WriteString("header", column.Header);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter json, IReadOnlyList<ExportColumn> columns, IReadOnlyList<string?> row)
    {
        json.WriteStartObject();
        for (var i = 0; i < row.Count; i++)
        {
            json.WriteString(columns[i].Key, row[i]);
        }

        json.WriteEndObject();
    }

    private static void WritePeriod(Utf8JsonWriter json, ExportDocument document)
    {
        if (!document.HasPeriod)
        {
            json.WriteNull("period");
            return;
        }

        json.WriteStartObject("period");
        WriteTime(json, "from", document.PeriodFrom);
        WriteTime(json, "to", document.PeriodTo);
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteString(name, value.UtcDateTime);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
