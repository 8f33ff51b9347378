using System.Security.Cryptography;
using System.Text;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class AutorunsCollectorTests : IDisposable
{
    private const string Run = @"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\";
    private const string Winlogon = @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\";
    private const string Ifeo = @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\";
    private const string AppInit = @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Windows\";
    private const string AppInit32 = @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows NT\CurrentVersion\Windows\";
    private const string ActiveSetup = @"HKLM\SOFTWARE\Microsoft\Active Setup\Installed Components\";
    private const string UserRun = @"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\";
    private const string BobRunOnce = @"HKU\S-1-5-21-3623811015-3361044348-30300820-1013\Software\Microsoft\Windows\CurrentVersion\RunOnce\";
    private const string CommonStartup = "ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp/";
    private const string AliceStartup = "Users/alice/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/";
    private const string DefaultStartup = "Users/Default/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/";

    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static InMemoryRegistry Registry()
    {
        var result = RegFileParser.Parse(WindowsFixtures.Bytes("registry/autoruns.reg"));
        Assert.Empty(result.Problems);
        return result.Registry;
    }

    private (List<SnapshotEntry> Entries, CollectionContext Context) Collect(IRegistrySource registry)
    {
        var context = new CollectionContext(_tree.Root);
        var collector = new AutorunsCollector(registry);
        Assert.Equal(SnapshotCategories.Autoruns, collector.Category);
        return ([.. collector.Collect(context)], context);
    }

    private static string Fields(string location, string value, string type) => $"location={location}\ntype={type}\nvalue={value}";

    [Fact]
    public void Collects_exactly_the_autostart_values_of_the_export()
    {
        var (entries, context) = Collect(Registry());

        Assert.Empty(context.Problems);
        Assert.All(entries, entry => Assert.Equal(AutorunsCollector.RegistryValueKind, entry.Kind));
        Assert.Equal(
            [
                Run + "SecurityHealth",
                Run + "VMware User Process",
                Run + "BackupAgent",
                @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Run\iTunesHelper",
                UserRun + "OneDrive",
                UserRun + "WindowsUpdateCheck",
                BobRunOnce + "Cleanup",
                Winlogon + "Shell",
                Winlogon + "Userinit",
                Winlogon + "DefaultPassword",
                Ifeo + @"sethc.exe\Debugger",
                AppInit + "AppInit_DLLs",
                AppInit + "LoadAppInit_DLLs",
                AppInit + "RequireSignedAppInit_DLLs",
                AppInit32 + "AppInit_DLLs",
                AppInit32 + "LoadAppInit_DLLs",
                ActiveSetup + @"{2C7339CF-2B09-4501-B3F3-F3508C9228ED}\StubPath",
                ActiveSetup + @"{89820200-ECBD-11cf-8B85-00AA005B4340}\StubPath",
            ],
            entries.Select(entry => entry.Key));
    }

    [Fact]
    public void Records_location_value_and_type_of_each_planted_persistence()
    {
        var (entries, _) = Collect(Registry());

        string Of(string key) => WindowsFixtures.Describe(WindowsFixtures.Single(entries, "registry-value", key));

        Assert.Equal(Fields("Run", @"%APPDATA%\..\Temp\wuauclt.exe /run /hidden", "REG_EXPAND_SZ"), Of(UserRun + "WindowsUpdateCheck"));
        Assert.Equal(Fields("Run", @"%windir%\system32\SecurityHealthSystray.exe", "REG_EXPAND_SZ"), Of(Run + "SecurityHealth"));
        Assert.Equal(Fields("Run", @"""C:\Program Files\VMware\VMware Tools\vmtoolsd.exe"" -n vmusr", "REG_SZ"), Of(Run + "VMware User Process"));
        Assert.Equal(Fields("RunOnce", @"cmd.exe /c del ""C:\Users\bob\Desktop\setup.tmp""", "REG_SZ"), Of(BobRunOnce + "Cleanup"));
        Assert.Equal(Fields("IFEO", @"C:\Windows\System32\cmd.exe", "REG_SZ"), Of(Ifeo + @"sethc.exe\Debugger"));
        Assert.Equal(Fields("Winlogon", "explorer.exe", "REG_SZ"), Of(Winlogon + "Shell"));
        Assert.Equal(Fields("Winlogon", @"C:\Windows\system32\userinit.exe,C:\Users\Public\Libraries\winlogon-helper.exe,", "REG_SZ"), Of(Winlogon + "Userinit"));
        Assert.Equal(Fields("AppInit", @"C:\ProgramData\Intel\igfxhook64.dll", "REG_SZ"), Of(AppInit + "AppInit_DLLs"));
        Assert.Equal(Fields("AppInit", "1", "REG_DWORD"), Of(AppInit + "LoadAppInit_DLLs"));
        Assert.Equal(Fields("AppInit", "0", "REG_DWORD"), Of(AppInit + "RequireSignedAppInit_DLLs"));
        Assert.Equal(Fields("AppInit", "", "REG_SZ"), Of(AppInit32 + "AppInit_DLLs"));
        Assert.Equal(
            Fields("ActiveSetup", @"%SystemRoot%\system32\regsvr32.exe /s /n /i:/UserInstall %SystemRoot%\system32\themeui.dll", "REG_EXPAND_SZ"),
            Of(ActiveSetup + @"{2C7339CF-2B09-4501-B3F3-F3508C9228ED}\StubPath"));
    }

    [Fact]
    public void Winlogon_default_password_and_command_line_secrets_appear_only_masked()
    {
        var (entries, context) = Collect(Registry());

        Assert.Equal(Fields("Winlogon", SecretMasker.Mask, "REG_SZ"), WindowsFixtures.Describe(WindowsFixtures.Single(entries, "registry-value", Winlogon + "DefaultPassword")));
        Assert.Equal(
            Fields("Run", @"""C:\Program Files\Contoso Backup\agent.exe"" --tray --password ********", "REG_SZ"),
            WindowsFixtures.Describe(WindowsFixtures.Single(entries, "registry-value", Run + "BackupAgent")));
        var everything = string.Join("\n", entries.SelectMany(entry => entry.Fields.Values.Append(entry.Key)).Concat(context.Problems));
        Assert.DoesNotContain("Kiosk#Winter2024!", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Winter2024", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_out_class_hives_the_default_profile_deleted_keys_and_components_without_a_stub()
    {
        var (entries, _) = Collect(Registry());
        var keys = string.Join("\n", entries.Select(entry => entry.Key));

        Assert.DoesNotContain("_Classes", keys, StringComparison.Ordinal);
        Assert.DoesNotContain(".DEFAULT", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("Stale", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("Removed", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("AcroRd32", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("A509B1A7", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("DefaultUserName", keys, StringComparison.Ordinal);
    }

    [Fact]
    public void Hashes_files_in_the_all_users_and_per_user_startup_folders_including_hidden_ones()
    {
        var desktopIni = Encoding.Unicode.GetBytes("[.ShellClassInfo]\r\nLocalizedResourceName=@%SystemRoot%\\system32\\shell32.dll,-21787\r\n");
        var lnk = new byte[] { 0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00 };
        var bat = Encoding.ASCII.GetBytes("@echo off\r\nstart /min %APPDATA%\\..\\Temp\\wuauclt.exe\r\n");
        var cmd = Encoding.ASCII.GetBytes("@echo Welcome\r\n");
        _tree.Write(CommonStartup + "desktop.ini", desktopIni);
        File.SetAttributes(Path.Combine(_tree.Root, CommonStartup, "desktop.ini"), FileAttributes.Hidden | FileAttributes.System);
        _tree.Write(CommonStartup + "Contoso Sync.lnk", lnk);
        _tree.Write(AliceStartup + "updater.bat", bat);
        _tree.Write(AliceStartup + "Sub/not-run.exe", [1]);
        _tree.Write(DefaultStartup + "welcome.cmd", cmd);
        Directory.CreateDirectory(Path.Combine(_tree.Root, "Users", "Public"));
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "Users", "Default User"), Path.Combine(_tree.Root, "Users", "Default"));

        var (entries, context) = Collect(new InMemoryRegistry());

        Assert.Empty(context.Problems);
        Assert.Equal(
            [
                @"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\StartUp\Contoso Sync.lnk",
                @"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\StartUp\desktop.ini",
                @"C:\Users\alice\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\updater.bat",
                @"C:\Users\Default\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\welcome.cmd",
            ],
            entries.Select(entry => entry.Key));
        Assert.All(entries, entry => Assert.Equal(AutorunsCollector.StartupFileKind, entry.Kind));

        static string Expected(byte[] content, string? user) =>
            $"location=Startup\nsha256={Convert.ToHexStringLower(SHA256.HashData(content))}\nsize={content.Length}\nuser={user}";

        Assert.Equal(Expected(desktopIni, null), WindowsFixtures.Describe(entries[1]));
        Assert.Equal(Expected(lnk, null), WindowsFixtures.Describe(entries[0]));
        Assert.Equal(Expected(bat, "alice"), WindowsFixtures.Describe(entries[2]));
        Assert.Equal(Expected(cmd, "Default"), WindowsFixtures.Describe(entries[3]));
    }

    [Fact]
    public void A_key_that_cannot_be_read_is_a_problem_and_the_rest_is_still_collected()
    {
        var registry = new DenyingRegistry(Registry(), @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon");

        var (entries, context) = Collect(registry);

        Assert.Equal([@"autoruns: HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon: Access to the registry key is denied."], context.Problems);
        Assert.Equal(15, entries.Count);
        Assert.DoesNotContain(entries, entry => entry.Key.StartsWith(Winlogon, StringComparison.Ordinal));
    }

    private sealed class DenyingRegistry(IRegistrySource inner, string denied) : IRegistrySource
    {
        public RegistryKeyView? OpenKey(string path) =>
            string.Equals(path, denied, StringComparison.OrdinalIgnoreCase)
                ? throw new UnauthorizedAccessException("Access to the registry key is denied.")
                : inner.OpenKey(path);
    }
}
