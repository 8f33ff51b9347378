using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.IntegrationTests.Exports;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>The delivery ledger through the export engine: a 10,000-attempt PDF read back with pdftotext, and CSV with the list's filters.</summary>
public sealed partial class NotificationLedgerExportTests
{
    private const int Attempts = 10_000;

    private static AttemptOutcome OutcomeOf(int i) => (i % 10) switch { 0 => AttemptOutcome.Dead, 1 or 2 => AttemptOutcome.Failed, _ => AttemptOutcome.Delivered };

    private static NotificationChannel ChannelOf(int i) => (NotificationChannel)(i % 4);

    private static async Task<(NotificationHarness Harness, Guid Tenant, HttpClient Admin)> SeededAsync()
    {
        var harness = await NotificationHarness.StartAsync(receivers: null);
        var (tenant, _, admin) = await harness.TenantAsync("Ledger Opticians");
        await harness.App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            var source = new NotificationEvent { TenantId = tenant, Type = NotificationCatalog.DriftDetected, Title = "Run key added", Fingerprint = "run-key", OccurredAt = start };
            db.NotificationEvents.Add(source);
            for (var i = 0; i < Attempts; i++)
            {
                db.NotificationAttempts.Add(new NotificationAttempt
                {
                    TenantId = tenant,
                    DeliveryId = Guid.CreateVersion7(),
                    EventId = source.Id,
                    EventType = source.Type,
                    Channel = ChannelOf(i),
                    Recipient = $"r{i:D5}",
                    Attempt = 1 + (i % 3),
                    Outcome = OutcomeOf(i),
                    Response = OutcomeOf(i) == AttemptOutcome.Delivered ? "HTTP 204" : "HTTP 503",
                    StartedAt = start.AddSeconds(i),
                    FinishedAt = start.AddSeconds(i),
                });
            }

            return await db.SaveChangesAsync();
        });
        return (harness, tenant, admin);
    }

    [Fact]
    public async Task A_pdf_of_ten_thousand_attempts_holds_every_row_and_the_right_totals()
    {
        var (harness, tenant, admin) = await SeededAsync();
        await using var _ = harness;
        using var __ = admin;

        var pdf = await ExportTestSupport.ExportAsync(admin, tenant, "notification-ledger", "pdf", new { });
        var path = Path.Combine(harness.App.Database.Directory, "ledger.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        var text = await ExportTestSupport.PdfTextAsync(path);

        var recipients = Recipient().Matches(text).Select(m => m.Value).ToHashSet();
        Assert.Equal(Attempts, recipients.Count);
        Assert.Contains("r00000", recipients);
        Assert.Contains("r09999", recipients);
        Assert.Contains("Ledger Opticians", text, StringComparison.Ordinal);
        Assert.Contains("Notification delivery ledger", text, StringComparison.Ordinal);
        Assert.Matches(@"Attempts\s+10,000", text);
        Assert.Matches(@"Delivered\s+7,000", text);
        Assert.Matches(@"Failed\s+2,000", text);
        Assert.Matches(@"Dead\s+1,000", text);
        foreach (var channel in new[] { "InApp", "Email", "Webhook", "Slack" })
        {
            Assert.Matches($@"{channel}\s+2,500", text);
        }
    }

    [Fact]
    public async Task A_csv_export_takes_the_lists_filters()
    {
        var (harness, tenant, admin) = await SeededAsync();
        await using var _ = harness;
        using var __ = admin;

        var csv = System.Text.Encoding.UTF8.GetString(await ExportTestSupport.ExportAsync(admin, tenant, "notification-ledger", "csv", new { outcome = "dead", channel = "webhook" })).TrimStart((char)0xFEFF);
        var rows = ExportTestSupport.ParseCsv(csv);
        var expected = Enumerable.Range(0, Attempts).Where(i => OutcomeOf(i) == AttemptOutcome.Dead && ChannelOf(i) == NotificationChannel.Webhook).Select(i => $"r{i:D5}").ToList();
        Assert.Equal(["Attempted at (UTC)", "Event type", "Event", "Channel", "Recipient", "Attempt", "Outcome", "Response", "Event id", "Delivery id"], rows[0]);
        Assert.Equal(expected, rows.Skip(1).Select(r => r[4]));
        Assert.All(rows.Skip(1), r => Assert.Equal(["Webhook", "Dead", "Run key added"], [r[3], r[6], r[2]]));

        var problem = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "notification-ledger", format = "csv", filters = new { outcome = "exploded" } })
            .FieldErrorAsync("filters.outcome");
        Assert.Contains("delivered, failed, dead", JsonSerializer.Serialize(problem), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\br\d{5}\b")]
    private static partial Regex Recipient();
}
