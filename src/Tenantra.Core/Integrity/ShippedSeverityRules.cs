using Tenantra.Agent.Contracts;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Integrity;

/// <summary>
/// The severity rules Tenantra ships (docs/integrity.md lists them). A tenant can change a rule's
/// severity, switch it off, or add rules of its own; a change no rule matches is low.
/// </summary>
public static class ShippedSeverityRules
{
    public const NotificationSeverity Unmatched = NotificationSeverity.Low;

    private const string WindowsUserWritable =
        @"(\\temp\\|\\tmp\\|\\appdata\\|\\users\\public\\|\\programdata\\|\\downloads\\|\\\$recycle\.bin\\|%temp%|%tmp%|%appdata%|%localappdata%|%public%|%programdata%)";

    private const string LinuxUserWritable = @"(^|[\s;'""=:(|&])(/tmp/|/var/tmp/|/dev/shm/|/home/[^/\s]+/|/run/user/)";

    private const string DownloadIntoShell =
        @"((curl|wget|fetch|invoke-webrequest|iwr|downloadstring|downloadfile)[^\n|]*\|\s*(sudo\s+)?(ba|da|z|k|c)?sh\b)|(base64\s+(-d|--decode))|(frombase64string)|(\s-e(nc|ncodedcommand)?\s+[a-z0-9+/=]{20,})";

    private static readonly EntryChangeKind[] s_appears = [EntryChangeKind.Added, EntryChangeKind.Modified];

    public static readonly IReadOnlyList<SeverityRule> All =
    [
        new("autoruns-changed", "Autorun entry changed", NotificationSeverity.Medium,
            new(Categories: [SnapshotCategories.Autoruns])),
        new("boot-chain-changed", "Boot chain changed", NotificationSeverity.Medium,
            new(Categories: [SnapshotCategories.Boot])),
        new("user-writable-path-windows", "Run key, service, task or startup item in a user-writable folder", NotificationSeverity.High,
            new(Kinds: ["registry-value", "windows-service", "scheduled-task", "startup-file", "executable"], Changes: s_appears,
                Conditions: [new(["value", "imagePath", "serviceDll", "actions", "linkTarget"], WindowsUserWritable, Gained: true)])),
        new("user-writable-path-windows-file", "Startup file or executable in a user-writable folder", NotificationSeverity.High,
            new(Kinds: ["startup-file", "executable"], Changes: [EntryChangeKind.Added], KeyPattern: WindowsUserWritable)),
        new("user-writable-path-linux", "Service, timer or cron job running from a user-writable folder", NotificationSeverity.High,
            new(Kinds: ["systemd-unit", "cron-entry"], Changes: s_appears,
                Conditions: [new(["ExecStart", "ExecStartPre", "ExecStartPost", "command"], LinuxUserWritable, Gained: true)])),
        new("user-writable-executable-linux", "Executable running from a user-writable folder", NotificationSeverity.High,
            new(Kinds: ["executable"], Changes: s_appears, KeyPattern: @"^(/tmp/|/var/tmp/|/dev/shm/|/home/|/run/user/)")),
        new("ifeo-debugger", "Image File Execution Options debugger set", NotificationSeverity.Critical,
            new(Kinds: ["registry-value"], Changes: s_appears, KeyPattern: @"\\Image File Execution Options\\[^\\]+\\Debugger$",
                Conditions: [new(["value"], ".")])),
        new("winlogon-shell-userinit", "Winlogon Shell or Userinit changed", NotificationSeverity.Critical,
            new(Kinds: ["registry-value"], KeyPattern: @"\\Winlogon\\(Shell|Userinit)$")),
        new("kernel-init-override", "Kernel command line gained init= or a similar override", NotificationSeverity.Critical,
            new(Kinds: ["kernel-cmdline", "grub-setting"], Changes: s_appears,
                Conditions: [new(["parameters", "value"], @"(^|\s|"")((init|rdinit|systemd\.unit)=|(rd\.break|single|emergency)(\s|$|""))", Gained: true)])),
        new("grub-settings-changed", "GRUB settings changed (/etc/default/grub)", NotificationSeverity.High,
            new(Kinds: ["grub-setting"])),
        new("boot-script-changed", "Boot script changed (rc.local, init.d, grub.d)", NotificationSeverity.High,
            new(Kinds: ["boot-file"], KeyPattern: @"^(/etc/rc\.local|/etc/rc\.d/rc\.local|/etc/init\.d/|/etc/grub\.d/)")),
        new("download-into-shell", "Command downloads into a shell or decodes base64", NotificationSeverity.Critical,
            new(Changes: s_appears,
                Conditions: [new(["command", "ExecStart", "ExecStartPre", "ExecStartPost", "actions", "value", "imagePath"], DownloadIntoShell, Gained: true)])),
        new("security-service-disabled", "Defender or Windows Firewall service disabled or removed", NotificationSeverity.High,
            new(Kinds: ["windows-service"], KeyPattern: @"^(WinDefend|WdNisSvc|Sense|MpsSvc|BFE|SecurityHealthService|wscsvc)$", Changes: s_appears,
                Conditions: [new(["startType"], "^disabled$", Gained: true)])),
        new("security-service-removed", "Security service removed", NotificationSeverity.High,
            new(Kinds: ["windows-service", "systemd-unit"], Changes: [EntryChangeKind.Removed],
                KeyPattern: @"^(WinDefend|WdNisSvc|Sense|MpsSvc|BFE|SecurityHealthService|wscsvc|ufw\.service|firewalld\.service|auditd\.service|apparmor\.service|nftables\.service)$")),
        new("security-unit-disabled", "Firewall or audit unit disabled or stopped (ufw, firewalld, auditd, AppArmor)", NotificationSeverity.High,
            new(Kinds: ["systemd-unit"], Changes: s_appears, KeyPattern: @"^(ufw|firewalld|auditd|apparmor|nftables)\.service$",
                Conditions: [new(["enabled", "active"], "^(disabled|masked|inactive|failed)$", Gained: true)])),
        new("hidden-system-task", "New hidden scheduled task running as SYSTEM", NotificationSeverity.High,
            new(Kinds: ["scheduled-task"], Changes: [EntryChangeKind.Added],
                Conditions: [new(["hidden"], "^true$"), new(["userId"], @"^(S-1-5-18|SYSTEM|NT AUTHORITY\\SYSTEM|LocalSystem)$")])),
    ];
}
