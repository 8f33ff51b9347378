using System.Buffers.Binary;
using System.Text;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Tests.Collectors.Linux;

public sealed class BootChainCollectorTests : IDisposable
{
    private const string Guid = EfiVariables.GlobalVariableGuid;
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly FixtureRoot _machine = new();

    public void Dispose() => _machine.Dispose();

    [Fact]
    public void Reports_grub_files_init_scripts_and_rc_local_by_path_with_hash_mode_and_owner()
    {
        _machine.Write("/boot/grub/grub.cfg", "set default=0\n");
        _machine.Write("/etc/grub.d/10_linux", "#!/bin/sh\necho linux\n", Executable);
        _machine.Write("/etc/grub.d/40_custom", "#!/bin/sh\nexec tail -n +3 $0\n", Executable);
        _machine.Write("/etc/init.d/ssh", "#!/bin/sh\n/usr/sbin/sshd\n", Executable);
        _machine.Write("/etc/init.d/.hidden", "ignored");
        _machine.Write("/etc/rc.local", "#!/bin/sh\n/opt/agent/start\nexit 0\n", Executable);

        var entries = new BootChainCollector().Collect(_machine.Context()).ToList();

        Assert.Equal(["/boot/grub/grub.cfg", "/etc/grub.d/10_linux", "/etc/grub.d/40_custom", "/etc/init.d/ssh", "/etc/rc.local"], entries.KeysOf("boot-file"));
        var rcLocal = entries.FieldsOf("boot-file", "/etc/rc.local");
        Assert.Equal(FixtureRoot.Sha256("#!/bin/sh\n/opt/agent/start\nexit 0\n"), rcLocal["sha256"]);
        Assert.Equal("34", rcLocal["size"]);
        Assert.Equal("0755", rcLocal["mode"]);
        Assert.Equal(CurrentUid(), rcLocal["uid"]);
    }

    [Fact]
    public void A_linked_boot_file_is_followed_inside_the_collected_system()
    {
        _machine.Write("/etc/rc.d/rc.local", "#!/bin/sh\ntouch /var/lock/subsys/local\n", Executable);
        _machine.Link("/etc/rc.local", "/etc/rc.d/rc.local");

        var context = _machine.Context();
        var fields = new BootChainCollector().Collect(context).FieldsOf("boot-file", "/etc/rc.local");

        Assert.Equal(FixtureRoot.Sha256("#!/bin/sh\ntouch /var/lock/subsys/local\n"), fields["sha256"]);
        Assert.Equal("0755", fields["mode"]);
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void Grub_defaults_become_one_setting_per_variable_the_last_file_winning()
    {
        _machine.Write("/etc/default/grub", """
            # If you change this file, run 'update-grub' afterwards.
            GRUB_DEFAULT=0
            GRUB_TIMEOUT=5
            GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"
            export GRUB_CMDLINE_LINUX='console=ttyS0 audit=1'
            GRUB_DISABLE_RECOVERY=true # keep it short
            """);
        _machine.Write("/etc/default/grub.d/50-cloudimg.cfg", "GRUB_TIMEOUT=0\n");
        _machine.Write("/etc/default/grub.d/README", "GRUB_TIMEOUT=99\n");

        var entries = new BootChainCollector().Collect(_machine.Context()).ToList();

        Assert.Equal(["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_DEFAULT", "GRUB_DISABLE_RECOVERY", "GRUB_TIMEOUT"], entries.KeysOf("grub-setting"));
        Assert.Equal("console=ttyS0 audit=1", entries.FieldsOf("grub-setting", "GRUB_CMDLINE_LINUX")["value"]);
        Assert.Equal("quiet splash", entries.FieldsOf("grub-setting", "GRUB_CMDLINE_LINUX_DEFAULT")["value"]);
        Assert.Equal("true", entries.FieldsOf("grub-setting", "GRUB_DISABLE_RECOVERY")["value"]);
        var timeout = entries.FieldsOf("grub-setting", "GRUB_TIMEOUT");
        Assert.Equal("0", timeout["value"]);
        Assert.Equal("/etc/default/grub.d/50-cloudimg.cfg", timeout["source"]);
        Assert.Equal(["/etc/default/grub", "/etc/default/grub.d/50-cloudimg.cfg"], entries.KeysOf("boot-file"));
    }

    [Fact]
    public void Kernel_command_line_keeps_the_value_and_lists_the_kernel_parameters_sorted_and_masked()
    {
        _machine.Write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234 ro quiet acpi_osi=\"Windows 2020\" rd.auth.password=hunter2 -- single\n");

        var fields = new BootChainCollector().Collect(_machine.Context()).FieldsOf("kernel-cmdline", "cmdline");

        Assert.Equal("BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234 ro quiet acpi_osi=\"Windows 2020\" rd.auth.password=******** -- single", fields["value"]);
        Assert.Equal("BOOT_IMAGE=/vmlinuz-6.1.0\nacpi_osi=\"Windows 2020\"\nquiet\nrd.auth.password=********\nro\nroot=UUID=1234", fields["parameters"]);
    }

    [Fact]
    public void Default_target_is_the_administrators_link_before_the_distributions()
    {
        _machine.Link("/lib/systemd/system/default.target", "graphical.target");
        _machine.Link("/etc/systemd/system/default.target", "/lib/systemd/system/multi-user.target");

        var fields = new BootChainCollector().Collect(_machine.Context()).FieldsOf("default-target", "default.target");

        Assert.Equal("multi-user.target", fields["unit"]);
        Assert.Equal("/lib/systemd/system/multi-user.target", fields["target"]);
        Assert.Equal("/etc/systemd/system/default.target", fields["source"]);
    }

    [Fact]
    public void Efi_boot_entries_boot_order_and_secure_boot_come_from_efivars()
    {
        var debian = LoadOption(EfiLoadOption.ActiveAttribute, "debian", @"\EFI\debian\shimx64.efi");
        var pxe = LoadOption(0, "UEFI PXEv4", filePath: null);
        _machine.Write($"/sys/firmware/efi/efivars/Boot0001-{Guid}", debian);
        _machine.Write($"/sys/firmware/efi/efivars/Boot000A-{Guid}", pxe);
        _machine.Write($"/sys/firmware/efi/efivars/BootOrder-{Guid}", Variable([0x01, 0x00, 0x0A, 0x00]));
        _machine.Write($"/sys/firmware/efi/efivars/BootCurrent-{Guid}", Variable([0x01, 0x00]));
        _machine.Write($"/sys/firmware/efi/efivars/Boot0002-605dab50-e046-4300-abb6-3dd810dd8b23", debian);
        _machine.Write($"/sys/firmware/efi/efivars/SecureBoot-{Guid}", Variable([1]));
        _machine.Write($"/sys/firmware/efi/efivars/SetupMode-{Guid}", Variable([0]));

        var context = _machine.Context();
        var entries = new BootChainCollector().Collect(context).ToList();

        Assert.Equal(["Boot0001", "Boot000A"], entries.KeysOf("efi-boot-entry"));
        var first = entries.FieldsOf("efi-boot-entry", "Boot0001");
        Assert.Equal("debian", first["description"]);
        Assert.Equal(@"\EFI\debian\shimx64.efi", first["filePath"]);
        Assert.Equal("true", first["active"]);
        Assert.Equal(FixtureRoot.Sha256(debian[4..]), first["sha256"]);
        var second = entries.FieldsOf("efi-boot-entry", "Boot000A");
        Assert.Equal("UEFI PXEv4", second["description"]);
        Assert.Null(second["filePath"]);
        Assert.Equal("false", second["active"]);
        Assert.Equal("0001,000A", entries.FieldsOf("efi-boot-order", "BootOrder")["order"]);
        var secureBoot = entries.FieldsOf("secure-boot", "SecureBoot");
        Assert.Equal("true", secureBoot["enabled"]);
        Assert.Equal("false", secureBoot["setupMode"]);
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void Without_efivars_nothing_about_efi_is_reported_and_nothing_is_a_problem()
    {
        _machine.Write("/etc/rc.local", "exit 0\n");

        var context = _machine.Context();
        var entries = new BootChainCollector().Collect(context).ToList();

        Assert.Equal(["boot-file"], entries.Select(entry => entry.Kind).Distinct());
        Assert.Empty(context.Problems);
    }

    [Theory]
    [InlineData("GRUB_A=1\nGRUB_B=\"two words\"\nGRUB_C='single'\n  export GRUB_D=x # note\n# GRUB_E=no\n1BAD=x\nnot an assignment\n",
        "GRUB_A=1|GRUB_B=two words|GRUB_C=single|GRUB_D=x")]
    [InlineData("GRUB_EMPTY=\nGRUB_OPEN=\"unterminated\n", "GRUB_EMPTY=|GRUB_OPEN=unterminated")]
    public void Shell_assignments_are_read_like_the_shell_reads_one_line(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', ShellAssignments.Parse(text).Select(pair => $"{pair.Key}={pair.Value}")));

    [Fact]
    public void A_load_option_too_short_is_not_one() =>
        Assert.Null(EfiVariables.ReadLoadOption(Variable([1, 0, 0])));

    [Fact]
    public void On_this_machine_the_kernel_command_line_and_init_scripts_are_reported()
    {
        var context = new CollectionContext("/");
        var entries = new BootChainCollector().Collect(context).ToList();

        var cmdline = entries.FieldsOf("kernel-cmdline", "cmdline");
        Assert.Equal(SecretMasker.MaskText(File.ReadAllText("/proc/cmdline").Trim()), cmdline["value"]);
        var initScripts = Directory.GetFiles("/etc/init.d").Where(path => !Path.GetFileName(path).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(initScripts);
        Assert.Equal(initScripts, entries.KeysOf("boot-file").Where(key => key.StartsWith("/etc/init.d/", StringComparison.Ordinal)));
        var dbus = entries.FieldsOf("boot-file", initScripts[0]);
        Assert.Equal(FixtureRoot.Sha256(File.ReadAllBytes(initScripts[0])), dbus["sha256"]);
        Assert.Equal(Directory.Exists("/sys/firmware/efi/efivars"), entries.Any(entry => entry.Kind == "efi-boot-entry"));
        Assert.Equal("graphical.target", entries.FieldsOf("default-target", "default.target")["unit"]);
    }

    private static string CurrentUid() =>
        File.ReadAllLines("/proc/self/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];

    /// <summary>An efivarfs file: the attribute word (non-volatile, boot service and runtime access) then the data.</summary>
    private static byte[] Variable(byte[] data) => [0x07, 0x00, 0x00, 0x00, .. data];

    /// <summary>An EFI_LOAD_OPTION: a hard-drive node, then (optionally) a file-path node, then the end node, then optional data.</summary>
    private static byte[] LoadOption(uint attributes, string description, string? filePath)
    {
        var hardDrive = new byte[42];
        hardDrive[0] = 0x04;
        hardDrive[1] = 0x01;
        BinaryPrimitives.WriteUInt16LittleEndian(hardDrive.AsSpan(2), 42);
        byte[] fileNode = [];
        if (filePath is not null)
        {
            var path = Encoding.Unicode.GetBytes(filePath + "\0");
            fileNode = [0x04, 0x04, 0, 0, .. path];
            BinaryPrimitives.WriteUInt16LittleEndian(fileNode.AsSpan(2), (ushort)fileNode.Length);
        }

        byte[] devicePath = [.. hardDrive, .. fileNode, 0x7F, 0xFF, 0x04, 0x00];
        var header = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(header, attributes);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), (ushort)devicePath.Length);
        return Variable([.. header, .. Encoding.Unicode.GetBytes(description + "\0"), .. devicePath, 0xDE, 0xAD]);
    }
}
