using System.Text.Json;

namespace Tenantra.Server.Exports;

/// <summary>
/// One JSON object: title, tenant, period (or null), generatedAt, columns, rows as objects keyed by
/// column key, and totals. Timestamps are ISO 8601 in UTC. Written with <see cref="Utf8JsonWriter"/>
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
        json.WriteStartArray("columns");
        foreach (var column in document.Columns)
        {
            json.WriteStartObject();
            json.WriteString("key", column.Key);
            json.WriteString("header", column.Header);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("rows");
        long rows = 0;
        await foreach (var row in ExportRows.ReadAsync(document, rowsWritten, cancellationToken))
        {
            json.WriteStartObject();
            for (var i = 0; i < row.Count; i++)
            {
                json.WriteString(document.Columns[i].Key, row[i]);
            }

            json.WriteEndObject();
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
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return rows;
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
