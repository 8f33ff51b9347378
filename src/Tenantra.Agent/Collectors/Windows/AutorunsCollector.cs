using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// What Windows starts by itself, from the registry and the Startup folders:
/// Run and RunOnce (machine, 32-bit machine, HKCU and every loaded user hive), Winlogon Shell and
/// Userinit (and DefaultPassword, masked), Image File Execution Options debuggers, AppInit DLLs,
/// Active Setup stub paths, and the files in the all-users and per-user Startup folders.
/// Registry entries are kind "registry-value" keyed by key path + "\" + value name, with fields
/// location, value (secrets masked) and type; Startup files are kind "startup-file" keyed by their
/// Windows path, with location, user, size and sha256.
/// </summary>
public sealed class AutorunsCollector(IRegistrySource registry, ExecutableHashCache? hashes = null) : ICollector
{
    public const string RegistryValueKind = "registry-value";
    public const string StartupFileKind = "startup-file";

    private const string CommonStartup = "/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp";
    private const string UserStartup = "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup";

    private static readonly string[] s_machineCurrentVersion =
    [
        @"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion",
        @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion",
    ];

    private static readonly string[] s_winlogonValues = ["Shell", "Userinit", "DefaultPassword"];

    private static readonly string[] s_imageFileExecutionOptions =
    [
        @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options",
        @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows NT\CurrentVersion\Image File Execution Options",
    ];

    private static readonly string[] s_appInitKeys =
    [
        @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Windows",
        @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows NT\CurrentVersion\Windows",
    ];

    private static readonly string[] s_appInitValues = ["AppInit_DLLs", "LoadAppInit_DLLs", "RequireSignedAppInit_DLLs"];

    private static readonly string[] s_activeSetup =
    [
        @"HKLM\SOFTWARE\Microsoft\Active Setup\Installed Components",
        @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Active Setup\Installed Components",
    ];

    private readonly ExecutableHashCache _hashes = hashes ?? new ExecutableHashCache();

    public string Category => SnapshotCategories.Autoruns;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        var userCurrentVersion = RegistryReading.UserRoots(registry, context, Category)
            .Select(root => root + @"\Software\Microsoft\Windows\CurrentVersion");
        foreach (var root in s_machineCurrentVersion.Concat(userCurrentVersion))
        {
            AddValues(entries, context, root + @"\Run", "Run", names: null);
            AddValues(entries, context, root + @"\RunOnce", "RunOnce", names: null);
        }

        AddValues(entries, context, @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon", "Winlogon", s_winlogonValues);
        foreach (var ifeo in s_imageFileExecutionOptions)
        {
            AddSubKeyValues(entries, context, ifeo, "Debugger", "IFEO");
        }

        foreach (var appInit in s_appInitKeys)
        {
            AddValues(entries, context, appInit, "AppInit", s_appInitValues);
        }

        foreach (var activeSetup in s_activeSetup)
        {
            AddSubKeyValues(entries, context, activeSetup, "StubPath", "ActiveSetup");
        }

        AddStartupFolder(entries, context, context.PathOf(CommonStartup), user: null);
        var users = context.PathOf("/Users");
        if (Directory.Exists(users))
        {
            try
            {
                foreach (var profile in Directory.EnumerateDirectories(users, "*", WindowsPaths.AllEntries()).Order(StringComparer.OrdinalIgnoreCase))
                {
                    if (!new DirectoryInfo(profile).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    {
                        AddStartupFolder(entries, context, Path.Join(profile, UserStartup), Path.GetFileName(profile));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Problems.Add($"{Category}: {users}: {e.Message}");
            }
        }

        return entries;
    }

    /// <summary>The values of one key: all of them, or only those named.</summary>
    private void AddValues(List<SnapshotEntry> entries, CollectionContext context, string keyPath, string location, string[]? names)
    {
        if (RegistryReading.TryOpen(registry, keyPath, context, Category) is not { } key)
        {
            return;
        }

        var values = names is null ? key.Values : names.Select(key.GetValue).OfType<RegistryValue>();
        foreach (var value in values)
        {
            entries.Add(ValueEntry(keyPath, value, location));
        }
    }

    /// <summary>One named value in each subkey (IFEO\*\Debugger, Installed Components\*\StubPath).</summary>
    private void AddSubKeyValues(List<SnapshotEntry> entries, CollectionContext context, string parentPath, string valueName, string location)
    {
        if (RegistryReading.TryOpen(registry, parentPath, context, Category) is not { } parent)
        {
            return;
        }

        foreach (var subKeyName in parent.SubKeyNames)
        {
            var keyPath = parentPath + "\\" + subKeyName;
            if (RegistryReading.TryOpen(registry, keyPath, context, Category)?.GetValue(valueName) is { } value)
            {
                entries.Add(ValueEntry(keyPath, value, location));
            }
        }
    }

    private static SnapshotEntry ValueEntry(string keyPath, RegistryValue value, string location) =>
        new(RegistryValueKind, RegistryPath.ValueKey(keyPath, value.Name), new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["location"] = location,
            ["value"] = SecretMasker.MaskValue(value.Name, value.ToText()),
            ["type"] = value.TypeName,
        });

    private void AddStartupFolder(List<SnapshotEntry> entries, CollectionContext context, string folder, string? user)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", WindowsPaths.AllEntries()).Order(StringComparer.OrdinalIgnoreCase))
            {
                var info = new FileInfo(file);
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["location"] = "Startup",
                    ["user"] = user,
                };
                if (info.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    fields["linkTarget"] = info.LinkTarget;
                }
                else
                {
                    fields["size"] = info.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    fields["sha256"] = _hashes.Hash(file, out var problem);
                    if (problem is not null)
                    {
                        context.Problems.Add($"{Category}: {file}: {problem}");
                    }
                }

                entries.Add(new SnapshotEntry(StartupFileKind, WindowsPaths.Display(context, file), fields));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"{Category}: {folder}: {e.Message}");
        }
    }
}
