using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenantra.Agent.Contracts;
using Tenantra.Server.IntegrationTests.Agents;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Integrity;

/// <summary>
/// Baselines and the events' lifecycle through the API, with a simulated agent and the real
/// evaluation job run on demand: exact, quiet, and never re-baselined behind anyone's back.
/// </summary>
public sealed class BaselineAndTriageTests : IAsyncLifetime
{
    private TenantraTestApp _app = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TenantraTestApp.StartAsync();
        _data = new TestData(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static SnapshotEntry Unit(string name, string execStart, string? active = "active") =>
        TestAgent.Entry("systemd-unit", name, ("ExecStart", execStart), ("enabled", "enabled"), ("active", active));

    private static async Task UploadAsync(TestAgent agent, params SnapshotEntry[] entries) =>
        await ResponseAssert.ReadAsync(await agent.UploadAsync(TestAgent.Snapshot(SnapshotCategories.Services, entries)), HttpStatusCode.OK);

    private static async Task<List<JsonElement>> EventsAsync(HttpClient admin, Guid tenant, string query = "") =>
        [.. (await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/integrity/events?pageSize=200{query}"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task The_first_snapshot_is_the_baseline_even_when_a_changed_one_arrives_before_the_evaluation_runs()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"));
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"), Unit("miner.service", "/dev/shm/miner"));

        await _app.EvaluateDriftAsync(tenant);

        var drift = Assert.Single(await EventsAsync(admin, tenant));
        Assert.Equal(("miner.service", "added", "high"), (drift.GetProperty("entryKey").GetString(), drift.GetProperty("change").GetString(), drift.GetProperty("severity").GetString()));
    }

    [Fact]
    public async Task Volatile_flaps_raise_nothing_the_same_drift_stays_one_event_and_a_resolved_one_stays_quiet_until_it_changes()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"), Unit("backup.service", "/usr/bin/backup", active: "inactive"));
        await _app.EvaluateDriftAsync(tenant);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"), Unit("backup.service", "/usr/bin/backup", active: "active"));
        await _app.EvaluateDriftAsync(tenant);
        Assert.Empty(await EventsAsync(admin, tenant));

        await UploadAsync(agent, Unit("web.service", "/usr/bin/web --debug"), Unit("backup.service", "/usr/bin/backup"));
        await _app.EvaluateDriftAsync(tenant);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web --debug"), Unit("backup.service", "/usr/bin/backup", active: "inactive"));
        await _app.EvaluateDriftAsync(tenant);
        var drift = Assert.Single(await EventsAsync(admin, tenant));
        var id = drift.GetProperty("id").GetGuid();

        await ResponseAssert.ReadAsync(await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}", new { status = "resolved", resolution = "accepted", comment = "Debug logging for a week." }), HttpStatusCode.OK);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web --debug"), Unit("backup.service", "/usr/bin/backup", active: "active"));
        await _app.EvaluateDriftAsync(tenant);
        Assert.Equal(["resolved"], (await EventsAsync(admin, tenant)).Select(e => e.GetProperty("status").GetString()));

        await UploadAsync(agent, Unit("web.service", "/usr/bin/web --trace"), Unit("backup.service", "/usr/bin/backup"));
        await _app.EvaluateDriftAsync(tenant);
        var events = await EventsAsync(admin, tenant);
        Assert.Equal(["open", "resolved"], events.Select(e => e.GetProperty("status").GetString()).Order(StringComparer.Ordinal));
        var detail = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}"), HttpStatusCode.OK);
        Assert.Equal(["resolved"], detail.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Pinning_a_snapshot_makes_it_the_baseline_and_resolves_the_drift_it_covers()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"));
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"), Unit("cache.service", "/usr/bin/cache"));
        await _app.EvaluateDriftAsync(tenant);
        Assert.Single(await EventsAsync(admin, tenant, "&active=true"));
        var snapshots = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/snapshots?category=services"), HttpStatusCode.OK);
        var newest = snapshots.GetProperty("items")[0].GetProperty("id").GetGuid();

        var pinned = await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/baselines/services/pin", new { snapshotId = newest, comment = "Cache is part of the build now." }), HttpStatusCode.OK);
        await _app.EvaluateDriftAsync(tenant);

        var services = pinned.EnumerateArray().Single(b => b.GetProperty("category").GetString() == "services");
        Assert.Equal(("pinned", 2, 2), (services.GetProperty("origin").GetString(), services.GetProperty("revision").GetInt32(), services.GetProperty("entryCount").GetInt32()));
        var resolved = Assert.Single(await EventsAsync(admin, tenant));
        Assert.Equal(("resolved", "reverted"), (resolved.GetProperty("status").GetString(), resolved.GetProperty("resolution").GetString()));
        var audit = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/audit-records?action=integrity-baseline.pinned"), HttpStatusCode.OK);
        Assert.Equal(1, audit.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_new_asset_follows_the_golden_baseline_and_its_approvals_stay_its_own_overrides()
    {
        var (tenant, admin) = await _data.TenantWithAdminAsync();
        var (token, _, _) = await AgentTestSupport.CreateTokenAsync(admin, tenant, new { label = "fleet", maxUses = 5 });
        using var reference = await TestAgent.EnrollAsync(_app, token, hostname: "ref-01");
        await UploadAsync(reference, Unit("web.service", "/usr/bin/web"), Unit("ssh.service", "/usr/sbin/sshd"));
        await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/golden-baselines",
            new { category = "services", assetId = reference.AgentId, comment = "Standard build" }), HttpStatusCode.OK);

        using var second = await TestAgent.EnrollAsync(_app, token, hostname: "web-02");
        await UploadAsync(second, Unit("web.service", "/usr/bin/web"), Unit("telnet.service", "/usr/sbin/telnetd"));
        await _app.EvaluateDriftAsync(tenant);

        var drift = (await EventsAsync(admin, tenant)).ToDictionary(e => e.GetProperty("entryKey").GetString()!);
        Assert.Equal(["ssh.service", "telnet.service"], drift.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("removed", "added"), (drift["ssh.service"].GetProperty("change").GetString(), drift["telnet.service"].GetProperty("change").GetString()));
        foreach (var e in drift.Values)
        {
            await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{e.GetProperty("id").GetGuid()}/approve", new { comment = "Legacy box" }), HttpStatusCode.OK);
        }

        await _app.EvaluateDriftAsync(tenant);
        var baselines = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{second.AgentId}/baselines"), HttpStatusCode.OK);
        var services = baselines.EnumerateArray().Single();
        Assert.Equal((true, 2), (services.GetProperty("followsGolden").GetBoolean(), services.GetProperty("entryCount").GetInt32()));
        Assert.Empty(await EventsAsync(admin, tenant, "&active=true"));
        var diff = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{second.AgentId}/diff/services?status=all"), HttpStatusCode.OK);
        Assert.Equal(["unchanged unchanged"], [string.Join(' ', diff.GetProperty("entries").GetProperty("items").EnumerateArray().Select(e => e.GetProperty("status").GetString()))]);

        var golden = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/integrity/golden-baselines"), HttpStatusCode.OK);
        Assert.Equal(1, golden[0].GetProperty("followers").GetInt32());
        var deleted = await admin.DeleteAsync($"/api/v1/tenants/{tenant}/integrity/golden-baselines/{golden[0].GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var kept = (await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{second.AgentId}/baselines"), HttpStatusCode.OK)).EnumerateArray().Single();
        Assert.Equal((false, 2), (kept.GetProperty("followsGolden").GetBoolean(), kept.GetProperty("entryCount").GetInt32()));
    }

    [Fact]
    public async Task A_suppression_silences_matching_drift_and_an_own_rule_sets_severity()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/suppressions",
            new { keyPattern = "apt-*.service", category = "services", comment = "Package timers" }), HttpStatusCode.Created);
        await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/rules",
            new { key = "payroll-units", title = "Payroll units", severity = "critical", match = new { kinds = new[] { "systemd-unit" }, keyPattern = "^payroll" } }), HttpStatusCode.Created);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"));
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"), Unit("apt-daily.service", "/usr/lib/apt/apt.systemd.daily"), Unit("payroll-export.service", "/opt/payroll/export"));
        await _app.EvaluateDriftAsync(tenant);

        var drift = Assert.Single(await EventsAsync(admin, tenant));
        Assert.Equal(("payroll-export.service", "critical", "payroll-units"),
            (drift.GetProperty("entryKey").GetString(), drift.GetProperty("severity").GetString(), drift.GetProperty("ruleKeys")[0].GetString()));
    }

    [Fact]
    public async Task Many_changes_below_high_make_one_event_high_ones_stay_their_own_and_approving_it_folds_them_all()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        var units = Enumerable.Range(0, 60).Select(i => Unit($"app-{i:D2}.service", $"/opt/app/bin/app-{i} --v1")).ToArray();
        await UploadAsync(agent, units);
        var upgraded = Enumerable.Range(0, 60).Select(i => Unit($"app-{i:D2}.service", $"/opt/app/bin/app-{i} --v2"));
        await UploadAsync(agent, [.. upgraded, Unit("kworker.service", "/dev/shm/kworker")]);
        await _app.EvaluateDriftAsync(tenant);

        var events = (await EventsAsync(admin, tenant)).ToDictionary(e => e.GetProperty("entryKey").GetString()!);
        Assert.Equal(["(many entries)", "kworker.service"], events.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("high", events["kworker.service"].GetProperty("severity").GetString());
        var many = events["(many entries)"];
        Assert.Equal(("many-changes", "low"), (many.GetProperty("kind").GetString(), many.GetProperty("severity").GetString()));
        var detail = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/integrity/events/{many.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        Assert.Equal(["0", "0", "60"], detail.GetProperty("fields").EnumerateArray().Take(3).Select(f => f.GetProperty("after").GetString()));

        await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{many.GetProperty("id").GetGuid()}/approve", new { comment = "App v2 rollout" }), HttpStatusCode.OK);
        await _app.EvaluateDriftAsync(tenant);

        var after = (await EventsAsync(admin, tenant)).ToDictionary(e => e.GetProperty("entryKey").GetString()!);
        Assert.Equal(("approved", "open"), (after["(many entries)"].GetProperty("status").GetString(), after["kworker.service"].GetProperty("status").GetString()));
        Assert.Equal(2, after.Count);
        var diff = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/diff/services"), HttpStatusCode.OK);
        Assert.Equal(["kworker.service"], diff.GetProperty("entries").GetProperty("items").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Bad_rules_and_triage_steps_get_field_errors_and_change_nothing()
    {
        var (tenant, admin, agent) = await AgentTestSupport.EnrolledAgentAsync(_data, _app);
        await UploadAsync(agent, Unit("web.service", "/usr/bin/web"));
        await UploadAsync(agent, Unit("web.service", "/tmp/web"));
        await _app.EvaluateDriftAsync(tenant);
        var id = Assert.Single(await EventsAsync(admin, tenant)).GetProperty("id").GetGuid();

        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/rules", new { key = "x", title = "X", severity = "high", match = new { keyPattern = "(a)\\1" } })
            .FieldErrorAsync("match.keyPattern");
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/rules", new { key = "ifeo-debugger", title = "X", severity = "high", match = new { } })
            .FieldErrorAsync("key");
        await admin.PutAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/rules/ifeo-debugger", new { severity = "low", match = new { kinds = new[] { "x" } } })
            .FieldErrorAsync("match");
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}", new { status = "resolved" }).FieldErrorAsync("resolution");
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}", new { status = "approved" }).FieldErrorAsync("status");
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}/approve", new { comment = " " }).FieldErrorAsync("comment");
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/integrity/events/{id}", new { assigneeId = Guid.NewGuid() }).FieldErrorAsync("assigneeId");
        await admin.GetAsync($"/api/v1/tenants/{tenant}/assets/{agent.AgentId}/diff/services?from=not-a-snapshot").FieldErrorAsync("from");

        var unchanged = Assert.Single(await EventsAsync(admin, tenant));
        Assert.Equal(("open", JsonValueKind.Null), (unchanged.GetProperty("status").GetString(), unchanged.GetProperty("assigneeId").ValueKind));
        var rules = await ResponseAssert.ReadAsync(await admin.GetAsync($"/api/v1/tenants/{tenant}/integrity/rules"), HttpStatusCode.OK);
        Assert.DoesNotContain(rules.EnumerateArray(), r => r.GetProperty("custom").GetBoolean());
    }
}
