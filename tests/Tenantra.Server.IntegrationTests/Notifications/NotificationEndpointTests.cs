using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Jobs;
using Tenantra.Core.Notifications;
using Tenantra.Data;
using Tenantra.Server.Notifications;
using static Tenantra.Server.IntegrationTests.Notifications.NotificationHarness;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>
/// Endpoints against a real HTTP receiver: Standard Webhooks signatures checked by an independent
/// verifier (and tampering caught), rotation with both signatures, Slack and Teams formats, retries
/// and dead letters in the ledger, secrets kept encrypted and never returned, private networks refused.
/// </summary>
public sealed class NotificationEndpointTests(TestReceivers receivers) : IClassFixture<TestReceivers>
{
    private static async Task<(string Id, string? Secret)> CreateEndpointAsync(HttpClient admin, Guid tenant, string kind, string url, string minSeverity = "info")
    {
        var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/endpoints", new { name = $"{kind} receiver", kind, url, minSeverity })
            .ReadAsync(HttpStatusCode.Created);
        var secret = created.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return (created.GetProperty("endpoint").GetProperty("id").GetString()!, secret);
    }

    private static Task<JsonElement> PublishTestAsync(HttpClient admin, Guid tenant, string title, string severity = "high") =>
        admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/test", new { severity, title }).ReadAsync(HttpStatusCode.Accepted);

    private async Task<List<ReceivedHook>> HooksAsync(string path, int expected) =>
        [.. (await TestReceivers.UntilAsync(receivers.HooksAsync, h => h.Count(x => x.Path == path) >= expected, seconds: 10)).Where(h => h.Path == path)];

    [Fact]
    public async Task Webhooks_verify_with_an_independent_verifier_and_any_tampering_or_an_old_timestamp_fails()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, _, admin) = await harness.TenantAsync("Signed Surgery");
        await PutPreferencesAsync(admin, tenant, me: false, []); // no in-app/email noise from the built-in defaults matters here
        var (_, secret) = await CreateEndpointAsync(admin, tenant, "webhook", receivers.HookUrl("signed"));
        Assert.NotNull(secret);
        await receivers.ConfigureAsync(0, new() { ["/hook/signed"] = [secret!] });

        await PublishTestAsync(admin, tenant, "Signed one");
        var hook = (await HooksAsync("/hook/signed", 1)).Single();
        Assert.True(hook.Verified, hook.Reason);
        using var body = JsonDocument.Parse(hook.Body);
        Assert.Equal("notification.test", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("Signed one", body.RootElement.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("high", body.RootElement.GetProperty("data").GetProperty("severity").GetString());
        var deliveryId = body.RootElement.GetProperty("data").GetProperty("deliveryId").GetString();
        Assert.Equal($"msg_{Guid.Parse(deliveryId!):N}", hook.Headers["webhook-id"]);

        var timestamp = long.Parse(hook.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        Dictionary<string, string> With(string name, string value) => new(hook.Headers) { [name] = value };
        Assert.True((await receivers.VerifyAsync(hook.Headers, hook.Body, [secret!], timestamp + 299)).Valid);
        Assert.False((await receivers.VerifyAsync(hook.Headers, hook.Body.Replace("Signed one", "Signed two", StringComparison.Ordinal), [secret!])).Valid);
        Assert.False((await receivers.VerifyAsync(With("webhook-id", hook.Headers["webhook-id"] + "0"), hook.Body, [secret!])).Valid);
        Assert.False((await receivers.VerifyAsync(With("webhook-timestamp", (timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), hook.Body, [secret!])).Valid);
        var old = await receivers.VerifyAsync(hook.Headers, hook.Body, [secret!], timestamp + 301);
        Assert.False(old.Valid);
        Assert.Equal("timestamp outside tolerance", old.Reason);
        Assert.False((await receivers.VerifyAsync(hook.Headers, hook.Body, [WebhookSignature.NewSecret()])).Valid);
        // And the verifier itself agrees with the published reference vector.
        Assert.True((await receivers.VerifyAsync(
            new() { ["webhook-id"] = "msg_p5jXN8AQM9LWM0D4loKWxJek", ["webhook-timestamp"] = "1614265330", ["webhook-signature"] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" },
            "{\"test\": 2432232314}", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], 1614265330)).Valid);
    }

    [Fact]
    public async Task After_a_rotation_messages_verify_under_the_old_and_the_new_secret()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, _, admin) = await harness.TenantAsync("Rotating Vets");
        var (id, oldSecret) = await CreateEndpointAsync(admin, tenant, "webhook", receivers.HookUrl("rotating"));
        var rotated = await admin.PostAsync($"/api/v1/tenants/{tenant}/notifications/endpoints/{id}/rotate-secret", null).ReadAsync(HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("endpoint").GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));

        await PublishTestAsync(admin, tenant, "During the overlap");
        var hook = (await HooksAsync("/hook/rotating", 1)).Single();
        Assert.Equal(2, hook.Headers["webhook-signature"].Split(' ').Length);
        Assert.True((await receivers.VerifyAsync(hook.Headers, hook.Body, [oldSecret!])).Valid);
        Assert.True((await receivers.VerifyAsync(hook.Headers, hook.Body, [newSecret])).Valid);

        // After the overlap only the new secret signs.
        harness.Clock.Shift += TimeSpan.FromHours(25);
        await harness.PublishAsync(tenant, new NotificationDraft(NotificationCatalog.Test, "After the overlap", NotificationSeverity.High));
        var later = (await HooksAsync("/hook/rotating", 2))[1];
        Assert.Single(later.Headers["webhook-signature"].Split(' '));
        Assert.True((await receivers.VerifyAsync(later.Headers, later.Body, [newSecret], harness.Clock.GetUtcNow().ToUnixTimeSeconds())).Valid);
        Assert.False((await receivers.VerifyAsync(later.Headers, later.Body, [oldSecret!], harness.Clock.GetUtcNow().ToUnixTimeSeconds())).Valid);
    }

    [Fact]
    public async Task Slack_and_teams_get_their_incoming_webhook_formats()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, _, admin) = await harness.TenantAsync("Chatty Opticians");
        await CreateEndpointAsync(admin, tenant, "slack", receivers.HookUrl("slack"));
        await CreateEndpointAsync(admin, tenant, "teams", receivers.HookUrl("teams"));
        await harness.PublishAsync(tenant, new NotificationDraft(
            NotificationCatalog.DriftDetected, "Run key added <script>", NotificationSeverity.Critical, Link: "/assets/42", Facts: new Dictionary<string, string> { ["Key"] = @"HKLM\...\Run\evil" }));

        var slack = (await HooksAsync("/hook/slack", 1)).Single();
        Assert.False(slack.Headers.ContainsKey("webhook-signature"));
        using var slackBody = JsonDocument.Parse(slack.Body);
        Assert.Equal("[Critical] Run key added <script> (Chatty Opticians)", slackBody.RootElement.GetProperty("text").GetString());
        var blocks = slackBody.RootElement.GetProperty("blocks");
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Contains(@"*Key:* HKLM\...\Run\evil", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal($"<https://console.tenantra.test/t/{tenant}/assets/42|Open in Tenantra>", blocks[2].GetProperty("text").GetProperty("text").GetString());

        var teams = (await HooksAsync("/hook/teams", 1)).Single();
        using var teamsBody = JsonDocument.Parse(teams.Body);
        Assert.Equal("message", teamsBody.RootElement.GetProperty("type").GetString());
        var attachment = teamsBody.RootElement.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("[Critical] Run key added <script>", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal(@"HKLM\...\Run\evil", card.GetProperty("body")[2].GetProperty("facts")[0].GetProperty("value").GetString());
        Assert.Equal($"https://console.tenantra.test/t/{tenant}/assets/42", card.GetProperty("actions")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_then_dead_lettered_and_the_ledger_shows_every_attempt()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers, new Dictionary<string, string?> { ["Tenantra:Notifications:MaxAttempts"] = "3" });
        var (tenant, _, admin) = await harness.TenantAsync("Failing Florists");
        await PutPreferencesAsync(admin, tenant, me: false, []);
        await CreateEndpointAsync(admin, tenant, "webhook", receivers.HookUrl("failing"));
        await receivers.ConfigureAsync(failRate: 1);
        try
        {
            await PublishTestAsync(admin, tenant, "Never arrives");
            await HooksAsync("/hook/failing", 3);
            await harness.SettleAsync();
        }
        finally
        {
            await receivers.ConfigureAsync(failRate: 0);
        }

        var ledger = await admin.GetAsync($"/api/v1/tenants/{tenant}/notifications/ledger?channel=webhook").ReadAsync(HttpStatusCode.OK);
        var entries = ledger.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal([1, 2, 3], entries.Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.Equal(["failed", "failed", "dead"], entries.Select(e => e.GetProperty("outcome").GetString()));
        Assert.All(entries, e => Assert.StartsWith("HTTP 500", e.GetProperty("response").GetString(), StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Equal("webhook receiver", e.GetProperty("recipient").GetString()));
        Assert.Equal("Never arrives", entries[0].GetProperty("eventTitle").GetString());
        var dead = await admin.GetAsync($"/api/v1/tenants/{tenant}/notifications/ledger?outcome=dead").ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, dead.GetProperty("total").GetInt32());

        // The link back: the event shows its deliveries and their attempts.
        var eventId = entries[0].GetProperty("eventId").GetString();
        var detail = await admin.GetAsync($"/api/v1/tenants/{tenant}/notifications/events/{eventId}").ReadAsync(HttpStatusCode.OK);
        var webhook = detail.GetProperty("deliveries").EnumerateArray().Single(d => d.GetProperty("channel").GetString() == "webhook");
        Assert.Equal("dead", webhook.GetProperty("status").GetString());
        Assert.Equal(3, webhook.GetProperty("attempts").GetInt32());
        Assert.Equal(3, detail.GetProperty("attempts").EnumerateArray().Count(a => a.GetProperty("channel").GetString() == "webhook"));
        var jobs = await harness.App.InPlatformAsync(db => db.Jobs.Where(j => j.Kind == NotificationDeliverer.Kind && j.TenantId == tenant).ToListAsync());
        var deadJob = Assert.Single(jobs, j => j.Status == JobStatus.Dead);
        Assert.Contains(webhook.GetProperty("id").GetString()!, deadJob.Payload, StringComparison.Ordinal);
        Assert.Equal(3, deadJob.Attempts);
    }

    [Fact]
    public async Task Urls_and_secrets_are_stored_encrypted_and_never_returned()
    {
        await receivers.ResetAsync();
        await using var harness = await StartAsync(receivers);
        var (tenant, _, admin) = await harness.TenantAsync("Secretive Tailors");
        const string token = "T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
        var (id, _) = await CreateEndpointAsync(admin, tenant, "slack", $"http://127.0.0.1:{receivers.HttpPort}/hook/{token}");
        var (webhookId, secret) = await CreateEndpointAsync(admin, tenant, "webhook", receivers.HookUrl("private-path"));

        var listed = await admin.GetStringAsync($"/api/v1/tenants/{tenant}/notifications/endpoints");
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("private-path", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret!, listed, StringComparison.Ordinal);
        Assert.Contains("\"urlHint\":\"http://127.0.0.1/…\"", listed, StringComparison.Ordinal);
        var patched = await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/notifications/endpoints/{webhookId}", new { name = "Renamed" }).ReadAsync(HttpStatusCode.OK);
        Assert.False(patched.TryGetProperty("secret", out _));

        var stored = await harness.App.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().NotificationEndpoints.AsNoTracking().ToListAsync());
        Assert.All(stored, e =>
        {
            Assert.StartsWith("v1:", e.ProtectedUrl, StringComparison.Ordinal);
            Assert.DoesNotContain("hook", e.ProtectedUrl, StringComparison.Ordinal);
        });
        Assert.StartsWith("v1:", stored.Single(e => e.Id == Guid.Parse(webhookId)).ProtectedSecret, StringComparison.Ordinal);
        await admin.PostAsync($"/api/v1/tenants/{tenant}/notifications/endpoints/{id}/rotate-secret", null).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Without_the_private_network_setting_endpoints_need_https_and_cannot_reach_internal_addresses()
    {
        await using var harness = await StartAsync(receivers: null, new Dictionary<string, string?> { ["Tenantra:Notifications:MaxAttempts"] = "1" });
        var (tenant, _, admin) = await harness.TenantAsync("Guarded Bank");
        var url = $"/api/v1/tenants/{tenant}/notifications/endpoints";
        await admin.PostAsJsonAsync(url, new { name = "plain", kind = "webhook", url = "http://example.com/hook", minSeverity = "info" }).FieldErrorAsync("url");
        await admin.PostAsJsonAsync(url, new { name = "creds", kind = "webhook", url = "https://user:pw@example.com/hook", minSeverity = "info" }).FieldErrorAsync("url");
        await admin.PostAsJsonAsync(url, new { name = "short", kind = "webhook", url = "https://example.com/hook", secret = "whsec_c2hvcnQ=", minSeverity = "info" }).FieldErrorAsync("secret");
        await admin.PostAsJsonAsync(url, new { name = "kind", kind = "email", url = "https://example.com/hook", minSeverity = "info" }).FieldErrorAsync("kind");
        foreach (var inside in new[] { "https://127.0.0.1:9/hook", "https://169.254.169.254/latest/meta-data", "https://10.1.2.3/hook", "https://[::1]/hook" })
        {
            await CreateEndpointAsync(admin, tenant, "webhook", inside);
        }

        await PublishTestAsync(admin, tenant, "Metadata please");
        await harness.SettleAsync();
        var ledger = await admin.GetAsync($"/api/v1/tenants/{tenant}/notifications/ledger?channel=webhook").ReadAsync(HttpStatusCode.OK);
        var responses = ledger.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("outcome").GetString(), e.GetProperty("response").GetString()!)).ToList();
        Assert.Equal(4, responses.Count);
        Assert.All(responses, r =>
        {
            Assert.Equal("dead", r.Item1);
            Assert.Contains("no public address", r.Item2, StringComparison.Ordinal);
        });
    }
}
