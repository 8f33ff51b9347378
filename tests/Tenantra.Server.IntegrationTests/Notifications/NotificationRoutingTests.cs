using System.Net;
using System.Net.Http.Json;
using Tenantra.Core.Identity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Server.Notifications;
using static Tenantra.Server.IntegrationTests.Notifications.NotificationHarness;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>
/// Preferences decide who gets what, checked against what a real SMTP server received: routing per
/// user and channel, minimum severity, throttling, digests and quiet hours.
/// </summary>
public sealed class NotificationRoutingTests(TestReceivers receivers) : IClassFixture<TestReceivers>
{
    private static NotificationDraft Drift(string title, NotificationSeverity severity) =>
        new(NotificationCatalog.DriftDetected, title, severity, Facts: new Dictionary<string, string> { ["Asset"] = "web-01", ["Path"] = "/etc/cron.d/evil" });

    private async Task<List<(string To, string Subject)>> MailsAsync(int expected)
    {
        var mails = await TestReceivers.UntilAsync(receivers.MailsAsync, m => m.Count >= expected, seconds: 10);
        return [.. mails.Select(m => (m.To.Single(), m.Subject)).OrderBy(m => m.Item1, StringComparer.Ordinal).ThenBy(m => m.Subject, StringComparer.Ordinal)];
    }

    private static async Task<List<string>> InboxTitlesAsync(HttpClient client, Guid tenant)
    {
        var inbox = await client.GetAsync($"/api/v1/tenants/{tenant}/notifications/inbox?pageSize=50").ReadAsync(HttpStatusCode.OK);
        return [.. inbox.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Each_user_gets_the_channels_and_severities_their_preferences_or_the_tenants_name()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, a, adminClient) = await harness.TenantAsync("Routing Clinic");
        var b = await harness.Data.UserAsync(tenant, Role.Analyst);
        var c = await harness.Data.UserAsync(tenant, Role.Viewer);
        using var bClient = await harness.App.SignInAsync(b.Email);
        using var cClient = await harness.App.SignInAsync(c.Email);
        await PutPreferencesAsync(adminClient, tenant, me: false, [Rule(NotificationCatalog.DriftDetected, NotificationSeverity.High, "inApp", "email")]);
        await PutPreferencesAsync(bClient, tenant, me: true, [Rule(NotificationCatalog.DriftDetected, NotificationSeverity.Critical, "email")]);
        await PutPreferencesAsync(cClient, tenant, me: true, [Rule(NotificationCatalog.DriftDetected, NotificationSeverity.Low, "inApp")]);

        await harness.PublishAsync(tenant, Drift("H1 cron entry added", NotificationSeverity.High));
        await harness.PublishAsync(tenant, Drift("C1 IFEO debugger set", NotificationSeverity.Critical));
        await harness.PublishAsync(tenant, Drift("M1 unit file changed", NotificationSeverity.Medium));
        // No rule for agent.offline anywhere: the built-in default (inbox and email from medium up) for all three.
        await harness.PublishAsync(tenant, new NotificationDraft(NotificationCatalog.AgentOffline, "O1 web-01 stopped checking in"));
        await harness.SettleAsync();

        var mails = await MailsAsync(6);
        string[] expected =
        [
            $"{a.Email}|[Critical] Drift on Routing Clinic: C1 IFEO debugger set",
            $"{a.Email}|[High] Drift on Routing Clinic: H1 cron entry added",
            $"{a.Email}|[Medium] Agent offline on Routing Clinic: O1 web-01 stopped checking in",
            $"{b.Email}|[Critical] Drift on Routing Clinic: C1 IFEO debugger set",
            $"{b.Email}|[Medium] Agent offline on Routing Clinic: O1 web-01 stopped checking in",
            $"{c.Email}|[Medium] Agent offline on Routing Clinic: O1 web-01 stopped checking in",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), mails.Select(m => $"{m.To}|{m.Subject}").Order(StringComparer.Ordinal));

        Assert.Equal(["C1 IFEO debugger set", "H1 cron entry added", "O1 web-01 stopped checking in"], await InboxTitlesAsync(adminClient, tenant));
        Assert.Equal(["O1 web-01 stopped checking in"], await InboxTitlesAsync(bClient, tenant));
        Assert.Equal(["C1 IFEO debugger set", "H1 cron entry added", "M1 unit file changed", "O1 web-01 stopped checking in"], await InboxTitlesAsync(cClient, tenant));

        // The message itself: both parts, the facts, the link and the idempotency header.
        var all = await receivers.MailsAsync();
        var critical = all.Single(m => m.To.Single() == b.Email && m.Subject.Contains("C1", StringComparison.Ordinal));
        Assert.Contains("Path: /etc/cron.d/evil", critical.Text, StringComparison.Ordinal);
        Assert.Contains("Routing Clinic", critical.Html, StringComparison.Ordinal);
        Assert.Contains("/etc/cron.d/evil", critical.Html, StringComparison.Ordinal);
        var deliveries = await harness.DeliveriesAsync(tenant);
        var delivery = deliveries.Single(d => d.Channel == NotificationChannel.Email && d.RecipientUserId == b.Id && d.Status == DeliveryStatus.Delivered && d.EventType == NotificationCatalog.DriftDetected);
        Assert.Equal(delivery.Id.ToString(), critical.Headers["x-tenantra-delivery"]);
        Assert.Equal("alerts@tenantra.test", critical.From);
    }

    [Fact]
    public async Task Identical_events_within_the_throttle_window_fold_into_one_delivery_with_a_count()
    {
        await receivers.ResetAsync();
        // A quarter of an hour's window starting exactly now, so the burst cannot straddle two windows.
        await using var harness = await StartAsync(receivers, now: new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero));
        var (tenant, admin, adminClient) = await harness.TenantAsync("Throttle Dental");
        await PutPreferencesAsync(adminClient, tenant, me: false, [], throttleMinutes: 15);

        var offline = new NotificationDraft(NotificationCatalog.AgentOffline, "web-01 stopped checking in", Fingerprint: "agent:web-01");
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => harness.PublishAsync(tenant, offline)));
        await harness.PublishAsync(tenant, new NotificationDraft(NotificationCatalog.AgentOffline, "db-01 stopped checking in", Fingerprint: "agent:db-01"));
        await harness.SettleAsync();

        var mails = await MailsAsync(2);
        Assert.Equal(2, mails.Count);
        Assert.Single(mails, m => m.Subject.Contains("web-01", StringComparison.Ordinal));
        var inbox = await adminClient.GetAsync($"/api/v1/tenants/{tenant}/notifications/inbox").ReadAsync(HttpStatusCode.OK);
        var web = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("title").GetString() == "web-01 stopped checking in");
        Assert.Equal(4, web.GetProperty("foldedCount").GetInt32());
        Assert.Equal(2, inbox.GetProperty("total").GetInt32());
        var deliveries = await harness.DeliveriesAsync(tenant);
        Assert.Equal(8, deliveries.Count(d => d.Status == DeliveryStatus.Folded)); // 4 events × (inbox + email)
        Assert.Equal(4, deliveries.Single(d => d.Channel == NotificationChannel.Email && d.FoldedIntoId == null && d.Recipient == admin.Email && d.Status == DeliveryStatus.Delivered
            && mails.Count > 0 && d.FoldedCount > 0).FoldedCount);

        // The next window delivers again.
        harness.Clock.Shift += TimeSpan.FromMinutes(15);
        await harness.PublishAsync(tenant, offline);
        await harness.SettleAsync();
        Assert.Equal(2, (await MailsAsync(3)).Count(m => m.Subject.Contains("web-01", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_digest_gathers_a_users_email_until_its_window_ends_and_critical_events_go_at_once()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers, now: new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero));
        var (tenant, admin, adminClient) = await harness.TenantAsync("Digest Law");
        await PutPreferencesAsync(adminClient, tenant, me: true, [], digest: "hourly");

        foreach (var title in new[] { "D1 nightly scan failed", "D2 weekly scan failed", "D3 baseline scan failed" })
        {
            await harness.PublishAsync(tenant, new NotificationDraft(NotificationCatalog.ScanFailed, title));
        }

        await harness.PublishAsync(tenant, new NotificationDraft(NotificationCatalog.IocHit, "K1 known-bad hash on web-01"));
        await harness.SettleAsync();
        var first = await MailsAsync(1);
        Assert.Equal([(admin.Email, "[Critical] IOC match on Digest Law: K1 known-bad hash on web-01")], first);

        harness.Clock.Shift += TimeSpan.FromMinutes(56); // 11:01, after the window closed at 11:00
        await harness.SettleAsync();
        var mails = await receivers.MailsAsync();
        Assert.Equal(2, (await MailsAsync(2)).Count);
        var digest = mails.Single(m => m.Subject.Contains("digest", StringComparison.Ordinal));
        Assert.Equal("Digest Law: 3 notifications (digest)", digest.Subject);
        Assert.Equal([admin.Email], digest.To);
        foreach (var title in new[] { "D1 nightly scan failed", "D2 weekly scan failed", "D3 baseline scan failed" })
        {
            Assert.Contains(title, digest.Text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("K1", digest.Text, StringComparison.Ordinal);
        var deliveries = await harness.DeliveriesAsync(tenant);
        Assert.Equal(3, deliveries.Count(d => d.Status == DeliveryStatus.Delivered && d.DigestId != null));
    }

    [Fact]
    public async Task Quiet_hours_in_the_tenants_time_zone_hold_email_until_they_end_while_critical_goes_through()
    {
        await receivers.ResetAsync();
        // 22:30 UTC is 23:30 in Berlin (CET): inside quiet hours 22:00–07:00 local.
        await using var harness = await StartAsync(receivers, now: new DateTimeOffset(2026, 11, 22, 22, 30, 0, TimeSpan.Zero));
        var (tenant, admin, adminClient) = await harness.TenantAsync("Quiet Architects");
        await harness.SetTimeZoneAsync(tenant, "Europe/Berlin");
        await PutPreferencesAsync(adminClient, tenant, me: false, [], quietStart: "22:00", quietEnd: "07:00");

        await harness.PublishAsync(tenant, Drift("Q1 service disabled", NotificationSeverity.High));
        await harness.PublishAsync(tenant, Drift("Q2 winlogon shell changed", NotificationSeverity.Critical));
        await harness.SettleAsync();
        Assert.Equal([(admin.Email, "[Critical] Drift on Quiet Architects: Q2 winlogon shell changed")], await MailsAsync(1));
        var all = await harness.DeliveriesAsync(tenant);
        var held = all.SingleOrDefault(d => d.Channel == NotificationChannel.Email && d.Status == DeliveryStatus.Pending)
            ?? throw new Xunit.Sdk.XunitException(string.Join("\n", all.Select(d => $"{d.Channel} {d.Status} {d.DueAt:O} {d.EventType} {d.Recipient}")));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero), held.DueAt); // 07:00 in Berlin
        // The inbox is silent, so it is not held.
        var inbox = await adminClient.GetAsync($"/api/v1/tenants/{tenant}/notifications/inbox/unread-count").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, inbox.GetProperty("unread").GetInt32());

        harness.Clock.Set(new DateTimeOffset(2026, 11, 23, 6, 0, 30, TimeSpan.Zero));
        await harness.SettleAsync();
        var mails = await MailsAsync(2);
        Assert.Equal(2, mails.Count);
        Assert.Contains((admin.Email, "[High] Drift on Quiet Architects: Q1 service disabled"), mails);
    }

    [Fact]
    public async Task Msp_staff_hear_about_the_customers_their_membership_reaches_and_platform_staff_do_not()
    {
        await using var harness = await StartAsync(receivers: null);
        var msp = await harness.Data.TenantAsync(TenantKind.Msp, name: "Reach MSP");
        var reached = await harness.Data.TenantAsync(TenantKind.Customer, msp, "Reached Clinic");
        var other = await harness.Data.TenantAsync(TenantKind.Customer, msp, "Other Clinic");
        var allCustomers = await harness.Data.UserAsync(msp, Role.Analyst);
        var selected = await harness.Data.UserAsync(msp, Role.Analyst, CustomerScope.SelectedCustomers, reached);
        var platform = await harness.Data.UserAsync(harness.App.PlatformTenantId, Role.Admin);
        var member = await harness.Data.UserAsync(other, Role.Viewer);

        await harness.PublishAsync(other, Drift("R1 drift at the other clinic", NotificationSeverity.High));
        await harness.PublishAsync(reached, Drift("R2 drift at the reached clinic", NotificationSeverity.High));
        await harness.SettleAsync();

        async Task<List<Guid?>> InboxOf(Guid tenant) => [.. (await harness.DeliveriesAsync(tenant))
            .Where(d => d.Channel == NotificationChannel.InApp).Select(d => d.RecipientUserId).Order()];
        Assert.Equal(new Guid?[] { allCustomers.Id, member.Id }.Order(), await InboxOf(other));
        Assert.Equal(new Guid?[] { allCustomers.Id, selected.Id }.Order(), await InboxOf(reached));
        Assert.DoesNotContain(platform.Id, (await InboxOf(other)).Concat(await InboxOf(reached)));
    }

    [Fact]
    public async Task The_inbox_counts_unread_and_marks_one_or_all_read()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, _, adminClient) = await harness.TenantAsync("Inbox Bakery");
        var other = await harness.Data.UserAsync(tenant, Role.Viewer);
        using var otherClient = await harness.App.SignInAsync(other.Email);
        for (var i = 0; i < 3; i++)
        {
            await harness.PublishAsync(tenant, Drift($"I{i} drift", NotificationSeverity.High));
        }

        await harness.SettleAsync();
        var url = $"/api/v1/tenants/{tenant}/notifications/inbox";
        Assert.Equal(3, (await adminClient.GetAsync($"{url}/unread-count").ReadAsync(HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        var first = (await adminClient.GetAsync(url).ReadAsync(HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetString();

        // Someone else's item is not theirs to mark.
        await otherClient.PostAsync($"{url}/{first}/read", null).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, (await adminClient.PostAsync($"{url}/{first}/read", null).ReadAsync(HttpStatusCode.OK)).GetProperty("marked").GetInt32());
        Assert.Equal(2, (await adminClient.GetAsync($"{url}/unread-count").ReadAsync(HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        Assert.Equal(2, (await adminClient.GetAsync($"{url}?unread=true").ReadAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32());
        Assert.Equal(2, (await adminClient.PostAsync($"{url}/read-all", null).ReadAsync(HttpStatusCode.OK)).GetProperty("marked").GetInt32());
        Assert.Equal(0, (await adminClient.GetAsync($"{url}/unread-count").ReadAsync(HttpStatusCode.OK)).GetProperty("unread").GetInt32());
        Assert.Equal(3, (await otherClient.GetAsync($"{url}/unread-count").ReadAsync(HttpStatusCode.OK)).GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task Preferences_show_what_is_inherited_and_a_reset_returns_to_the_tenants()
    {
        await using var harness = await StartAsync(receivers: null);
        var (tenant, _, adminClient) = await harness.TenantAsync("Prefs Garage");
        await PutPreferencesAsync(adminClient, tenant, me: false, [Rule(NotificationCatalog.ScanFailed, NotificationSeverity.High, "email")], digest: "daily", throttleMinutes: 30);
        var mine = await PutPreferencesAsync(adminClient, tenant, me: true, [Rule(NotificationCatalog.ScanFailed, NotificationSeverity.Low, "inApp")], quietStart: "23:00", quietEnd: "06:30");

        var scan = mine.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("eventType").GetString() == NotificationCatalog.ScanFailed);
        Assert.False(scan.GetProperty("inherited").GetBoolean());
        Assert.Equal("low", scan.GetProperty("minSeverity").GetString());
        Assert.Equal("23:00", mine.GetProperty("quietHoursStart").GetString());
        Assert.False(mine.GetProperty("usesTenantSchedule").GetBoolean());

        var reset = await adminClient.DeleteAsync($"/api/v1/tenants/{tenant}/notifications/preferences/me").ReadAsync(HttpStatusCode.OK);
        scan = reset.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("eventType").GetString() == NotificationCatalog.ScanFailed);
        Assert.True(scan.GetProperty("inherited").GetBoolean());
        Assert.Equal("high", scan.GetProperty("minSeverity").GetString());
        Assert.Equal(["email"], scan.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("daily", reset.GetProperty("digest").GetString());
        Assert.Equal(30, reset.GetProperty("throttleMinutes").GetInt32());
        Assert.True(reset.GetProperty("usesTenantSchedule").GetBoolean());

        // Own rules while still following the tenant's schedule.
        var following = await adminClient.PutAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/preferences/me", new
        {
            rules = new[] { Rule(NotificationCatalog.ScanFailed, NotificationSeverity.Critical, "inApp") },
            useTenantSchedule = true,
        }).ReadAsync(HttpStatusCode.OK);
        Assert.True(following.GetProperty("usesTenantSchedule").GetBoolean());
        Assert.Equal("daily", following.GetProperty("digest").GetString());
        Assert.False(following.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("eventType").GetString() == NotificationCatalog.ScanFailed).GetProperty("inherited").GetBoolean());
    }

    [Fact]
    public async Task Bad_preferences_get_field_level_errors_and_change_nothing()
    {
        await using var harness = await StartAsync(receivers: null);
        var (tenant, _, adminClient) = await harness.TenantAsync("Bad Prefs");
        var url = $"/api/v1/tenants/{tenant}/notifications/preferences/me";
        var before = await adminClient.GetAsync(url).ReadAsync(HttpStatusCode.OK);

        await adminClient.PutAsJsonAsync(url, new { rules = new[] { new { eventType = "drift.nope", channels = new[] { "inApp" }, minSeverity = "high" } }, digest = "immediate", criticalBypassesQuietHours = true, throttleMinutes = 0 })
            .FieldErrorAsync("rules[0].eventType");
        await adminClient.PutAsJsonAsync(url, new { rules = new[] { new { eventType = "scan.failed", channels = new[] { "pager" }, minSeverity = "high" } }, digest = "immediate", criticalBypassesQuietHours = true, throttleMinutes = 0 })
            .FieldErrorAsync("rules[0].channels");
        await adminClient.PutAsJsonAsync(url, new { rules = Array.Empty<object>(), digest = "immediate", quietHoursStart = "25:00", quietHoursEnd = "07:00", criticalBypassesQuietHours = true, throttleMinutes = 0 })
            .FieldErrorAsync("quietHoursStart");
        await adminClient.PutAsJsonAsync(url, new { rules = Array.Empty<object>(), digest = "immediate", quietHoursStart = "22:00", criticalBypassesQuietHours = true, throttleMinutes = 0 })
            .FieldErrorAsync("quietHoursEnd");
        await adminClient.PutAsJsonAsync(url, new { rules = Array.Empty<object>(), digest = "immediate", criticalBypassesQuietHours = true, throttleMinutes = 100000 })
            .FieldErrorAsync("throttleMinutes");

        await adminClient.PutAsJsonAsync(url, new { rules = Array.Empty<object>(), digest = "hourly", useTenantSchedule = true })
            .FieldErrorAsync("digest");
        await adminClient.PutAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/preferences/tenant", new { rules = Array.Empty<object>(), useTenantSchedule = true })
            .FieldErrorAsync("useTenantSchedule");

        var after = await adminClient.GetAsync(url).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }
}
