using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Tests.Collectors.Linux;

public sealed class SystemdUnitCollectorTests : IDisposable
{
    private const string Nginx = """
        [Unit]
        Description=A high performance web server
        After=network.target

        [Service]
        Type=forking
        ExecStartPre=/usr/sbin/nginx -t
        ExecStart=/usr/sbin/nginx -g 'daemon on;\
          master_process on;'

        [Install]
        WantedBy=multi-user.target
        """;

    private readonly FixtureRoot _machine = new();

    public void Dispose() => _machine.Dispose();

    [Fact]
    public void Collects_services_and_timers_once_each_the_most_important_directory_winning()
    {
        _machine.Write("/lib/systemd/system/api.service", "[Service]\nExecStart=/opt/api/vendor\n");
        _machine.Write("/usr/lib/systemd/system/api.service", "[Service]\nExecStart=/opt/api/usr\n");
        _machine.Write("/run/systemd/system/api.service", "[Service]\nExecStart=/opt/api/runtime\n");
        _machine.Write("/lib/systemd/system/only-vendor.service", "[Service]\nExecStart=/bin/true\n");
        _machine.Write("/usr/lib/systemd/system/only-usr.timer", "[Timer]\nOnBootSec=5min\n");
        _machine.Write("/lib/systemd/system/network.target", "[Unit]\nDescription=Network\n");
        _machine.Write("/lib/systemd/system/dbus.socket", "[Socket]\nListenStream=/run/dbus\n");

        var entries = new SystemdUnitCollector().Collect(_machine.Context()).ToList();

        Assert.Equal(["api.service", "only-usr.timer", "only-vendor.service"], entries.KeysOf("systemd-unit"));
        var api = entries.FieldsOf("systemd-unit", "api.service");
        Assert.Equal("/run/systemd/system/api.service", api["path"]);
        Assert.Equal("/opt/api/runtime", api["ExecStart"]);
        Assert.Equal(FixtureRoot.Sha256("[Service]\nExecStart=/opt/api/runtime\n"), api["sha256"]);
        Assert.Equal("/usr/lib/systemd/system/only-usr.timer", entries.FieldsOf("systemd-unit", "only-usr.timer")["path"]);
    }

    [Fact]
    public void Describes_a_service_with_its_settings_and_its_enablement_from_wants_links()
    {
        _machine.Write("/lib/systemd/system/nginx.service", Nginx);
        _machine.Link("/etc/systemd/system/multi-user.target.wants/nginx.service", "/lib/systemd/system/nginx.service");
        _machine.Write("/lib/systemd/system/backup.service", "[Unit]\nDescription=Backup\n[Service]\nType=oneshot\nUser=backup\nExecStart=/usr/bin/backup --password s3cret\nExecStart=/usr/bin/backup-verify\n");
        _machine.Write("/lib/systemd/system/debug-shell.service", "[Service]\nExecStart=/bin/bash\n[Install]\nWantedBy=sysinit.target\n");

        var entries = new SystemdUnitCollector().Collect(_machine.Context()).ToList();

        var nginx = entries.FieldsOf("systemd-unit", "nginx.service");
        Assert.Equal("/lib/systemd/system/nginx.service", nginx["path"]);
        Assert.Equal(FixtureRoot.Sha256(Nginx), nginx["sha256"]);
        Assert.Equal("A high performance web server", nginx["Description"]);
        Assert.Equal("forking", nginx["Type"]);
        Assert.Equal("/usr/sbin/nginx -g 'daemon on; master_process on;'", nginx["ExecStart"]);
        Assert.Equal("enabled", nginx["enabled"]);
        Assert.False(nginx.ContainsKey("User"));
        Assert.False(nginx.ContainsKey("active"));
        Assert.False(nginx.ContainsKey("dropIns"));

        var backup = entries.FieldsOf("systemd-unit", "backup.service");
        Assert.Equal("/usr/bin/backup --password ********\n/usr/bin/backup-verify", backup["ExecStart"]);
        Assert.Equal("backup", backup["User"]);
        Assert.Equal("static", backup["enabled"]);
        Assert.Equal("disabled", entries.FieldsOf("systemd-unit", "debug-shell.service")["enabled"]);
    }

    [Fact]
    public void Masked_alias_and_template_instances_are_told_apart()
    {
        _machine.Write("/lib/systemd/system/telnet.service", "[Service]\nExecStart=/usr/sbin/telnetd\n[Install]\nWantedBy=multi-user.target\n");
        _machine.Link("/etc/systemd/system/telnet.service", "/dev/null");
        _machine.Write("/lib/systemd/system/nginx.service", Nginx);
        _machine.Link("/etc/systemd/system/dbus-org.example.web.service", "/lib/systemd/system/nginx.service");
        _machine.Write("/lib/systemd/system/getty@.service", "[Service]\nExecStart=-/sbin/agetty %I\n[Install]\nWantedBy=getty.target\n");
        _machine.Link("/lib/systemd/system/autovt@.service", "getty@.service");
        _machine.Link("/etc/systemd/system/getty.target.wants/getty@tty1.service", "/lib/systemd/system/getty@.service");

        var entries = new SystemdUnitCollector().Collect(_machine.Context()).ToList();

        var telnet = entries.FieldsOf("systemd-unit", "telnet.service");
        Assert.Equal("masked", telnet["enabled"]);
        Assert.Equal("/etc/systemd/system/telnet.service", telnet["path"]);
        Assert.False(telnet.ContainsKey("sha256"));
        var alias = entries.FieldsOf("systemd-unit", "dbus-org.example.web.service");
        Assert.Equal("alias", alias["enabled"]);
        Assert.Equal("/lib/systemd/system/nginx.service", alias["linkTarget"]);
        Assert.Equal(FixtureRoot.Sha256(Nginx), alias["sha256"]);
        Assert.Equal("enabled", entries.FieldsOf("systemd-unit", "getty@.service")["enabled"]);
        var autovt = entries.FieldsOf("systemd-unit", "autovt@.service");
        Assert.Equal("alias", autovt["enabled"]);
        Assert.Equal("-/sbin/agetty %I", autovt["ExecStart"]);
    }

    [Fact]
    public void Drop_ins_are_applied_in_name_order_and_listed_with_their_hashes()
    {
        const string vendorDropIn = "[Service]\nUser=www-data\n";
        const string adminVendorDropIn = "[Service]\nUser=nginx\n";
        const string adminOverride = "[Unit]\nDescription=Patched\n[Service]\nExecStart=\nExecStart=/usr/sbin/nginx --token=abc123\n";
        _machine.Write("/lib/systemd/system/nginx.service", Nginx);
        _machine.Write("/lib/systemd/system/nginx.service.d/10-user.conf", vendorDropIn);
        _machine.Write("/etc/systemd/system/nginx.service.d/10-user.conf", adminVendorDropIn);
        _machine.Write("/etc/systemd/system/nginx.service.d/override.conf", adminOverride);
        _machine.Write("/etc/systemd/system/nginx.service.d/notes.txt", "[Service]\nUser=ignored\n");

        var nginx = new SystemdUnitCollector().Collect(_machine.Context()).FieldsOf("systemd-unit", "nginx.service");

        Assert.Equal("/usr/sbin/nginx --token=********", nginx["ExecStart"]);
        Assert.Equal("nginx", nginx["User"]);
        Assert.Equal("Patched", nginx["Description"]);
        Assert.Equal(FixtureRoot.Sha256(Nginx), nginx["sha256"]);
        Assert.Equal(
            $"/etc/systemd/system/nginx.service.d/10-user.conf {FixtureRoot.Sha256(adminVendorDropIn)}\n"
            + $"/etc/systemd/system/nginx.service.d/override.conf {FixtureRoot.Sha256(adminOverride)}",
            nginx["dropIns"]);
    }

    [Fact]
    public void Timers_report_their_triggers_and_the_unit_they_start()
    {
        _machine.Write("/lib/systemd/system/apt-daily.timer", "[Unit]\nDescription=Daily apt download activities\n\n[Timer]\nOnCalendar=*-*-* 6:00\nOnCalendar=*-*-* 18:00\nRandomizedDelaySec=12h\n\n[Install]\nWantedBy=timers.target\n");
        _machine.Write("/lib/systemd/system/cleanup.timer", "[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\nUnit=tmp-cleanup.service\n");
        _machine.Link("/etc/systemd/system/timers.target.wants/apt-daily.timer", "/lib/systemd/system/apt-daily.timer");

        var entries = new SystemdUnitCollector().Collect(_machine.Context()).ToList();

        var aptDaily = entries.FieldsOf("systemd-unit", "apt-daily.timer");
        Assert.Equal("*-*-* 6:00\n*-*-* 18:00", aptDaily["OnCalendar"]);
        Assert.Equal("apt-daily.service", aptDaily["Unit"]);
        Assert.Equal("enabled", aptDaily["enabled"]);
        Assert.False(aptDaily.ContainsKey("OnBootSec"));
        var cleanup = entries.FieldsOf("systemd-unit", "cleanup.timer");
        Assert.Equal("15min", cleanup["OnBootSec"]);
        Assert.Equal("1d", cleanup["OnUnitActiveSec"]);
        Assert.Equal("tmp-cleanup.service", cleanup["Unit"]);
        Assert.Equal("static", cleanup["enabled"]);
    }

    [Fact]
    public void Systemctl_list_units_output_gives_active_and_sub_state_per_unit()
    {
        const string output = """
            apt-daily.service     loaded    inactive dead    Daily apt download activities
            ● nginx.service       loaded    failed   failed  A high performance web server
            apt-daily.timer       loaded    active   waiting Daily apt download activities
            getty@tty1.service    loaded    active   running Getty on tty1

            """;

        var states = SystemctlUnitStates.Parse(output);

        Assert.Equal(new UnitRuntimeState("inactive", "dead"), states["apt-daily.service"]);
        Assert.Equal(new UnitRuntimeState("failed", "failed"), states["nginx.service"]);
        Assert.Equal(new UnitRuntimeState("active", "waiting"), states["apt-daily.timer"]);
        Assert.Equal(new UnitRuntimeState("active", "running"), states["getty@tty1.service"]);
        Assert.Equal(4, states.Count);
    }

    [Fact]
    public void On_this_machine_every_vendor_unit_file_is_reported_and_wanted_units_are_enabled()
    {
        var context = new CollectionContext("/");
        var entries = new SystemdUnitCollector().Collect(context).ToList();
        var units = entries.Where(entry => entry.Kind == "systemd-unit").ToDictionary(entry => entry.Key, entry => entry.Fields);

        var vendorUnits = Directory.GetFiles("/lib/systemd/system")
            .Select(Path.GetFileName)
            .Where(name => name!.EndsWith(".service", StringComparison.Ordinal) || name.EndsWith(".timer", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(vendorUnits);
        Assert.All(vendorUnits, name => Assert.True(units.ContainsKey(name!), name));
        Assert.Equal("/lib/systemd/system/apt-daily.timer", units["apt-daily.timer"]["path"]);
        Assert.Equal(FixtureRoot.Sha256(File.ReadAllBytes("/lib/systemd/system/apt-daily.timer")), units["apt-daily.timer"]["sha256"]);
        foreach (var link in Directory.GetFiles("/etc/systemd/system/timers.target.wants"))
        {
            Assert.Equal("enabled", units[Path.GetFileName(link)]["enabled"]);
        }

        // This machine's PID 1 is not systemd, so systemctl cannot answer: no runtime state, and the reason is recorded.
        Assert.NotEqual("systemd", File.ReadAllText("/proc/1/comm").Trim());
        Assert.DoesNotContain(units.Values, fields => fields.ContainsKey("active"));
        Assert.Contains(context.Problems, problem => problem.StartsWith("systemctl list-units:", StringComparison.Ordinal));
    }
}
