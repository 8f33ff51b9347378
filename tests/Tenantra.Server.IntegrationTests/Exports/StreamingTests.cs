using System.Globalization;
using Tenantra.Server.Exports;
using static Tenantra.Server.IntegrationTests.Exports.ExportTestSupport;

namespace Tenantra.Server.IntegrationTests.Exports;

/// <summary>The writers send bytes while rows are still being produced, rather than collecting them first.</summary>
public sealed class StreamingTests
{
    private const int Rows = 200_000;

    public static TheoryData<string> Writers => ["csv", "json"];

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task Bytes_reach_the_output_before_the_last_row_is_produced(string format)
    {
        IExportWriter writer = format == "csv" ? new CsvExportWriter() : new JsonExportWriter();
        var output = new ForwardOnlyStream();
        long receivedBeforeLastRow = -1;
        var progress = new List<long>();

        async IAsyncEnumerable<IReadOnlyList<string?>> Source()
        {
            for (var i = 0; i < Rows; i++)
            {
                if (i == Rows - 1)
                {
                    receivedBeforeLastRow = output.BytesReceived;
                }

                if (i % 1000 == 0)
                {
                    await Task.Yield();
                }

                yield return [i.ToString(CultureInfo.InvariantCulture), "host-" + i.ToString(CultureInfo.InvariantCulture), "active"];
            }
        }

        var columns = new ExportColumn[] { new("id", "Id"), new("host", "Host"), new("status", "Status") };
        var written = await writer.WriteAsync(Document(columns, Source()), output, new SynchronousProgress(progress), CancellationToken.None);

        Assert.Equal(Rows, written);
        Assert.True(receivedBeforeLastRow > output.BytesReceived / 2,
            $"only {receivedBeforeLastRow} of {output.BytesReceived} bytes had been sent before the last row");
        Assert.Equal(Rows / ExportRows.ProgressInterval, progress.Count);
        Assert.Equal(ExportRows.ProgressInterval, progress[0]);
        Assert.Equal(Rows, progress[^1]);
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool; this one records in order, at once.</summary>
    private sealed class SynchronousProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
