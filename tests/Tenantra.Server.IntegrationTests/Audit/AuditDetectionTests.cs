using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.IntegrationTests.Notifications;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>Audit detections over real records: alerts listed with their records, notifications delivered, per-tenant settings.</summary>
public sealed class AuditDetectionTests(TestReceivers receivers) : IClassFixture<TestReceivers>
{
    private static readonly Dictionary<string, string?> s_detectionsOn = new() { ["Tenantra:Audit:DetectionsEnabled"] = "true" };

    private static async Task<List<JsonElement>> AlertsAsync(HttpClient client, Guid tenant) =>
        [.. (await client.GetAsync($"/api/v1/tenants/{tenant}/audit-alerts?pageSize=200").ReadAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task A_scripted_mass_delete_raises_one_alert_with_its_records_and_an_email_reaches_the_admin()
    {
        await receivers.ResetAsync();
        await using var harness = await NotificationHarness.StartAsync(receivers, s_detectionsOn);
        var (tenant, admin, client) = await harness.TenantAsync("Deletion Dental");

        var invitations = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            var created = await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = $"temp{i}@dental.example", role = "viewer" }).ReadAsync(HttpStatusCode.Created);
            invitations.Add(created.GetProperty("invitation").GetProperty("id").GetGuid());
        }

        foreach (var invitation in invitations)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/tenants/{tenant}/invitations/{invitation}")).StatusCode);
        }

        var mails = await TestReceivers.UntilAsync(receivers.MailsAsync, m => m.Any(x => x.Subject.Contains("Mass delete", StringComparison.Ordinal)), seconds: 20);
        var alert = Assert.Single(await AlertsAsync(client, tenant));
        Assert.Equal("massDelete", alert.GetProperty("detection").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Equal(20, alert.GetProperty("records").GetInt32());
        Assert.Equal($"{admin.Email} deleted or revoked 20 things within 10 minutes", alert.GetProperty("detail").GetString());
        Assert.Equal($"q={Uri.EscapeDataString(admin.Email)}", alert.GetProperty("recordsQuery").GetString());

        // The alert's records are the first twenty revocations.
        var first = alert.GetProperty("firstSequence").GetInt64();
        var last = alert.GetProperty("lastSequence").GetInt64();
        var actions = await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords
            .Where(r => r.TenantId == tenant && r.Sequence >= first && r.Sequence <= last).Select(r => r.Action).ToListAsync());
        Assert.Equal(Enumerable.Repeat("invitation.revoked", 20), actions);

        var mail = Assert.Single(mails, m => m.Subject.Contains("Mass delete", StringComparison.Ordinal));
        Assert.Equal(admin.Email, mail.To.Single());
        Assert.Equal($"[Critical] Suspicious action on Deletion Dental: Mass delete: {admin.Email} deleted or revoked 20 things within 10 minutes", mail.Subject);
        Assert.Contains($"/t/{tenant}/audit?q=", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_sign_ins_per_user_and_per_address_each_raise_one_alert_at_their_threshold()
    {
        await using var harness = await NotificationHarness.StartAsync(receivers: null, s_detectionsOn, listenOnLoopback: true);
        var (tenant, admin, client) = await harness.TenantAsync("Guessing Legal");
        using var anonymous = harness.App.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            var response = await anonymous.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = admin.Email, password = $"wrong guess {i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var alerts = await TestReceivers.UntilAsync(() => AlertsAsync(client, tenant), a => a.Count >= 2, seconds: 20);

        Assert.Equal(
            [("failedSignInsPerAddress", "10 failed sign-ins from 127.0.0.1 within 15 minutes"), ("failedSignInsPerUser", $"5 failed sign-ins for {admin.Email} within 15 minutes")],
            alerts.Select(a => (a.GetProperty("detection").GetString(), a.GetProperty("detail").GetString())).Order());
    }

    /// <summary>Records as the application writes them, one per detection, in a tenant whose clock reads Sunday 03:00.</summary>
    [Fact]
    public async Task Each_single_record_detection_fires_on_its_record_and_stays_quiet_for_harmless_ones()
    {
        var sunday = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
        await using var harness = await NotificationHarness.StartAsync(receivers: null, s_detectionsOn, now: sunday);
        var (tenant, admin, client) = await harness.TenantAsync("Quiet Hours Clinic");
        var tokenId = Guid.NewGuid();
        AuditRecord Record(string action, string? before = null, string? after = null, Guid? token = null, string? ip = null, string target = "target") => new()
        {
            TenantId = tenant,
            OccurredAt = sunday,
            Action = action,
            ActorUserId = admin.Id,
            ActorName = admin.Email,
            ActorTokenId = token,
            Before = before,
            After = after,
            TargetType = "x",
            TargetId = target,
            SourceIp = ip,
        };
        await harness.App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.StageAudit(Record("membership.updated", """{"role":1}""", """{"role":0}"""));
            db.StageAudit(Record("membership.updated", """{"role":0}""", """{"role":0,"customerScope":1}"""));
            db.StageAudit(Record("user.created", after: """{"email":"x@y.example","role":"Admin"}"""));
            db.StageAudit(Record("user.two-factor-disabled"));
            db.StageAudit(Record("enrollment-token.created", after: """{"label":"forever","expiresAt":null}"""));
            db.StageAudit(Record("enrollment-token.created", after: """{"label":"week","expiresAt":"2026-11-29T00:00:00Z"}"""));
            db.StageAudit(Record("asset.updated", token: tokenId));
            db.StageAudit(Record("asset.updated", token: tokenId));
            db.StageAudit(Record("sign-in.succeeded", ip: "10.0.0.1"));
            db.StageAudit(Record("sign-in.succeeded", ip: "10.0.0.1"));
            db.StageAudit(Record("sign-in.succeeded", ip: "198.51.100.7"));
            db.StageAudit(Record("feature.set", """{"enabled":true}""", """{"enabled":false}""", target: "audit"));
            db.StageAudit(Record("feature.set", """{"enabled":true}""", """{"enabled":false}""", target: "integrity"));
            services.GetRequiredService<JobQueue>().Enqueue(AuditDetector.Kind, tenant, new AuditDetector.Payload());
            return await db.SaveChangesAsync();
        });

        var alerts = await TestReceivers.UntilAsync(() => AlertsAsync(client, tenant), a => a.Count >= 7, seconds: 20);
        await harness.SettleAsync(1);

        Assert.Equal(
            ["adminGrant", "adminGrant", "auditSettingsChanged", "enrollmentTokenWithoutExpiry", "newSignInAddress", "offHoursToken", "secondFactorDisabled"],
            (await AlertsAsync(client, tenant)).Select(a => a.GetProperty("detection").GetString()).Order());
        var offHours = alerts.Single(a => a.GetProperty("detection").GetString() == "offHoursToken");
        Assert.Equal($"API token {tokenId} of {admin.Email} used off-hours (asset.updated)", offHours.GetProperty("detail").GetString());
        var newAddress = alerts.Single(a => a.GetProperty("detection").GetString() == "newSignInAddress");
        Assert.Equal($"{admin.Email} signed in from 198.51.100.7, an address never seen for them", newAddress.GetProperty("detail").GetString());
        Assert.StartsWith("record=", newAddress.GetProperty("recordsQuery").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_are_validated_field_by_field_audited_and_their_change_is_itself_detected_and_a_detection_switched_off_stays_quiet()
    {
        await using var harness = await NotificationHarness.StartAsync(receivers: null, s_detectionsOn);
        var (tenant, _, client) = await harness.TenantAsync("Settings Dental");
        var defaults = await client.GetAsync($"/api/v1/tenants/{tenant}/audit-detections").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(20, defaults.GetProperty("massDelete").GetProperty("count").GetInt32());

        var bad = await client.PutAsJsonAsync($"/api/v1/tenants/{tenant}/audit-detections", new
        {
            failedSignInsPerUser = new { enabled = true, count = 0, windowMinutes = 15 },
            failedSignInsPerAddress = new { enabled = true, count = 10, windowMinutes = 100_000 },
            offHoursTokens = new { enabled = true, startHour = 19, endHour = 7, weekdaysOnly = true },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["adminGrant", "auditSettingsChanged", "enrollmentTokenWithoutExpiry", "failedSignInsPerAddress.windowMinutes", "failedSignInsPerUser.count", "massDelete", "massExport",
             "newSignInAddress", "offHoursTokens.startHour", "secondFactorDisabled"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        var settings = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(defaults.GetRawText())!;
        settings["massDelete"] = JsonSerializer.SerializeToElement(new { enabled = false, count = 20, windowMinutes = 10 });
        var saved = await client.PutAsJsonAsync($"/api/v1/tenants/{tenant}/audit-detections", settings).ReadAsync(HttpStatusCode.OK);
        Assert.False(saved.GetProperty("massDelete").GetProperty("enabled").GetBoolean());

        for (var i = 0; i < 21; i++)
        {
            var created = await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = $"t{i}@dental.example", role = "viewer" }).ReadAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/tenants/{tenant}/invitations/{created.GetProperty("invitation").GetProperty("id").GetGuid()}")).StatusCode);
        }

        var alerts = await TestReceivers.UntilAsync(() => AlertsAsync(client, tenant), a => a.Count >= 1, seconds: 20);
        await harness.SettleAsync(1);
        var alert = Assert.Single(await AlertsAsync(client, tenant));
        Assert.Equal("auditSettingsChanged", alert.GetProperty("detection").GetString());
        var change = await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords
            .SingleAsync(r => r.TenantId == tenant && r.Action == AuditDetectionEndpoints.SettingsChangedAction));
        Assert.Contains("\"massDelete\":{\"enabled\":true", change.Before, StringComparison.Ordinal);
        Assert.Contains("\"massDelete\":{\"enabled\":false", change.After, StringComparison.Ordinal);
        Assert.NotNull(alerts);

        // An analyst reads alerts but cannot change the settings.
        var analyst = await harness.App.SignInAsync((await harness.Data.UserAsync(tenant, Role.Analyst)).Email);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PutAsJsonAsync($"/api/v1/tenants/{tenant}/audit-detections", settings)).StatusCode);
    }
}
