using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.IntegrationTests.Exports;
using Tenantra.Server.IntegrationTests.Notifications;

namespace Tenantra.Server.IntegrationTests.Integrity;

/// <summary>Integrity events through the export engine: CSV with the list's filters across read batches, and a PDF with its totals.</summary>
public sealed class IntegrityEventsExportTests
{
    private const int Events = 2_500;

    private static NotificationSeverity SeverityOf(int i) => (NotificationSeverity)(i % 5);

    private static IntegrityEventStatus StatusOf(int i) => (IntegrityEventStatus)(i / 5 % 4);

    private static async Task<(NotificationHarness Harness, Guid Tenant, HttpClient Admin)> SeededAsync()
    {
        var harness = await NotificationHarness.StartAsync(receivers: null);
        var (tenant, _, admin) = await harness.TenantAsync("Drift Export Dental");
        var asset = Guid.CreateVersion7();
        await harness.App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.Assets.Add(new Core.Agents.Asset { Id = asset, TenantId = tenant, MachineId = "export-machine", Hostname = "dental-srv-01", PublicKey = "-" });
            var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < Events; i++)
            {
                db.IntegrityEvents.Add(new IntegrityEvent
                {
                    TenantId = tenant,
                    AssetId = asset,
                    Category = "services",
                    Kind = "systemd-unit",
                    EntryKey = $"unit-{i:D4}.service",
                    Change = EntryChangeKind.Modified,
                    Severity = SeverityOf(i),
                    Status = StatusOf(i),
                    FieldsJson = """[{"name":"ExecStart","before":"/usr/bin/a","after":"/tmp/b"}]""",
                    Fingerprint = $"f{i}",
                    DetectedAt = start.AddMinutes(i),
                    LastSeenAt = start.AddMinutes(i),
                    UpdatedAt = start.AddMinutes(i),
                });
            }

            return await db.SaveChangesAsync();
        });
        return (harness, tenant, admin);
    }

    [Fact]
    public async Task A_csv_export_takes_the_lists_filters_across_read_batches()
    {
        var (harness, tenant, admin) = await SeededAsync();
        await using var _ = harness;
        using var __ = admin;

        var csv = Encoding.UTF8.GetString(await ExportTestSupport.ExportAsync(admin, tenant, "integrity-events", "csv", new { minSeverity = "high", active = "true" })).TrimStart((char)0xFEFF);

        var rows = ExportTestSupport.ParseCsv(csv);
        var expected = Enumerable.Range(0, Events)
            .Where(i => SeverityOf(i) >= NotificationSeverity.High && StatusOf(i) is IntegrityEventStatus.Open or IntegrityEventStatus.Acknowledged)
            .Select(i => $"unit-{i:D4}.service").ToList();
        Assert.Equal(["Detected at (UTC)", "Severity", "Status", "Asset", "Category", "Change", "Kind", "Entry", "Changed fields", "Rules", "Resolution", "Last seen (UTC)", "Event id"], rows[0]);
        Assert.Equal(500, expected.Count);
        Assert.Equal(expected, rows.Skip(1).Select(r => r[7]));
        Assert.All(rows.Skip(1), r => Assert.Equal(["dental-srv-01", "ExecStart: /usr/bin/a → /tmp/b"], [r[3], r[8]]));
    }

    [Fact]
    public async Task A_pdf_export_holds_every_event_and_totals_per_severity_and_status()
    {
        var (harness, tenant, admin) = await SeededAsync();
        await using var _ = harness;
        using var __ = admin;

        var pdf = await ExportTestSupport.ExportAsync(admin, tenant, "integrity-events", "pdf", new { });
        var path = Path.Combine(harness.App.Database.Directory, "drift.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        var text = await ExportTestSupport.PdfTextAsync(path);

        Assert.Contains("Integrity events", text, StringComparison.Ordinal);
        // The table's equal-width columns wrap an entry's key after "unit-0000.ser": every event is there.
        Assert.Equal(Events, Regex.Matches(text, @"unit-\d{4}\.ser").Select(m => m.Value).Distinct().Count());
        Assert.Matches(@"Events\s+2,500", text);
        foreach (var severity in new[] { "Info", "Low", "Medium", "High", "Critical" })
        {
            Assert.Matches($@"{severity}\s+500", text);
        }

        Assert.Matches(@"Open\s+625", text);
        Assert.Matches(@"Approved\s+625", text);
    }
}
