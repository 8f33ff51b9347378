using System.Globalization;
using System.Security.Cryptography;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// What decides how the machine boots: GRUB configuration and scripts, SysV init scripts and
/// rc.local ("boot-file", keyed by path: sha256, size, mode, uid), the variables of
/// /etc/default/grub and /etc/default/grub.d/*.cfg ("grub-setting", keyed by variable name, the
/// last file to set it wins as in grub-mkconfig), the running kernel's command line
/// ("kernel-cmdline"), systemd's default target ("default-target") and, on UEFI machines, the
/// firmware boot entries, boot order and Secure Boot state from efivarfs. Without efivarfs
/// (BIOS boot, containers) the EFI part reports nothing.
/// </summary>
public sealed class BootChainCollector : ICollector
{
    private static readonly string[] s_grubConfigFiles = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"];
    private const string EfiVariablesDirectory = "/sys/firmware/efi/efivars";

    public string Category => SnapshotCategories.Boot;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        foreach (var path in BootFiles(context))
        {
            if (FileFingerprint.Read(context, path) is { } fields)
            {
                entries.Add(new SnapshotEntry("boot-file", path, fields));
            }
        }

        AddGrubSettings(context, entries);
        AddKernelCommandLine(context, entries);
        AddDefaultTarget(context, entries);
        AddEfiVariables(context, entries);
        return entries;
    }

    private static List<string> BootFiles(CollectionContext context)
    {
        var paths = new List<string>();
        paths.AddRange(s_grubConfigFiles.Where(path => File.Exists(context.PathOf(path))));
        foreach (var vendorDirectory in DirectoryListing.DirectoriesIn(context, "/boot/efi/EFI"))
        {
            var grubConfig = vendorDirectory + "/grub.cfg";
            if (File.Exists(context.PathOf(grubConfig)))
            {
                paths.Add(grubConfig);
            }
        }

        paths.AddRange(DirectoryListing.FilesIn(context, "/etc/grub.d"));
        paths.AddRange(GrubDefaultsFiles(context));
        paths.AddRange(DirectoryListing.FilesIn(context, "/etc/init.d"));
        if (File.Exists(context.PathOf("/etc/rc.local")))
        {
            paths.Add("/etc/rc.local");
        }

        return paths;
    }

    /// <summary>/etc/default/grub, then /etc/default/grub.d/*.cfg in name order: the order grub-mkconfig sources them.</summary>
    private static List<string> GrubDefaultsFiles(CollectionContext context)
    {
        var files = new List<string>();
        if (File.Exists(context.PathOf("/etc/default/grub")))
        {
            files.Add("/etc/default/grub");
        }

        files.AddRange(DirectoryListing.FilesIn(context, "/etc/default/grub.d").Where(path => path.EndsWith(".cfg", StringComparison.Ordinal)));
        return files;
    }

    private static void AddGrubSettings(CollectionContext context, List<SnapshotEntry> entries)
    {
        var settings = new Dictionary<string, (string Value, string Source)>(StringComparer.Ordinal);
        foreach (var file in GrubDefaultsFiles(context))
        {
            if (context.ReadTextIfPresent(file) is not { } text)
            {
                continue;
            }

            foreach (var (name, value) in ShellAssignments.Parse(text))
            {
                settings[name] = (value, file);
            }
        }

        foreach (var (name, (value, source)) in settings.OrderBy(setting => setting.Key, StringComparer.Ordinal))
        {
            entries.Add(new SnapshotEntry("grub-setting", name, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["value"] = SecretMasker.MaskValue(name, value),
                ["source"] = source,
            }));
        }
    }

    private static void AddKernelCommandLine(CollectionContext context, List<SnapshotEntry> entries)
    {
        if (context.ReadTextIfPresent("/proc/cmdline") is not { } text)
        {
            return;
        }

        var commandLine = text.Trim();
        var parameters = KernelCommandLine.KernelParameters(commandLine);
        parameters.Sort(StringComparer.Ordinal);
        entries.Add(new SnapshotEntry("kernel-cmdline", "cmdline", new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["value"] = SnapshotLimits.FitValue(SecretMasker.MaskText(commandLine)),
            ["parameters"] = SnapshotLimits.FitValue(SecretMasker.MaskText(string.Join('\n', parameters))),
        }));
    }

    /// <summary>The administrator's default.target link, else the distribution's.</summary>
    private static void AddDefaultTarget(CollectionContext context, List<SnapshotEntry> entries)
    {
        foreach (var directory in (string[])["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"])
        {
            var source = directory + "/default.target";
            var file = new FileInfo(context.PathOf(source));
            if (file.LinkTarget is { } target)
            {
                entries.Add(new SnapshotEntry("default-target", "default.target", new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["unit"] = Path.GetFileName(target),
                    ["target"] = target,
                    ["source"] = source,
                }));
                return;
            }

            if (file.Exists)
            {
                entries.Add(new SnapshotEntry("default-target", "default.target", new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["unit"] = "default.target",
                    ["source"] = source,
                }));
                return;
            }
        }
    }

    private static void AddEfiVariables(CollectionContext context, List<SnapshotEntry> entries)
    {
        if (!Directory.Exists(context.PathOf(EfiVariablesDirectory)))
        {
            return;
        }

        const string suffix = "-" + EfiVariables.GlobalVariableGuid;
        foreach (var path in DirectoryListing.FilesIn(context, EfiVariablesDirectory))
        {
            var name = Path.GetFileName(path);
            if (!name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || !IsBootEntryName(name.AsSpan(0, name.Length - suffix.Length)))
            {
                continue;
            }

            if (context.ReadBytesIfPresent(path) is not { } file)
            {
                continue;
            }

            if (EfiVariables.ReadLoadOption(file) is not { } option)
            {
                context.Problems.Add($"{path}: not an EFI load option");
                continue;
            }

            entries.Add(new SnapshotEntry("efi-boot-entry", name[..^suffix.Length], new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["description"] = option.Description,
                ["filePath"] = option.FilePath,
                ["active"] = option.IsActive ? "true" : "false",
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(EfiVariables.DataOf(file))),
            }));
        }

        if (ReadGlobalVariable(context, "BootOrder") is { } bootOrder)
        {
            entries.Add(new SnapshotEntry("efi-boot-order", "BootOrder", new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["order"] = string.Join(',', EfiVariables.ReadBootOrder(bootOrder)),
            }));
        }

        if (ReadGlobalVariable(context, "SecureBoot") is { } secureBoot && EfiVariables.ReadFlag(secureBoot) is { } enabled)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["enabled"] = enabled ? "true" : "false" };
            if (ReadGlobalVariable(context, "SetupMode") is { } setupMode && EfiVariables.ReadFlag(setupMode) is { } inSetupMode)
            {
                fields["setupMode"] = inSetupMode ? "true" : "false";
            }

            entries.Add(new SnapshotEntry("secure-boot", "SecureBoot", fields));
        }
    }

    /// <summary>"Boot" followed by four hex digits, as the UEFI spec names load options.</summary>
    private static bool IsBootEntryName(ReadOnlySpan<char> name) =>
        name.Length == 8 && name.StartsWith("Boot", StringComparison.Ordinal)
        && ushort.TryParse(name[4..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);

    private static byte[]? ReadGlobalVariable(CollectionContext context, string name) =>
        context.ReadBytesIfPresent($"{EfiVariablesDirectory}/{name}-{EfiVariables.GlobalVariableGuid}");
}
