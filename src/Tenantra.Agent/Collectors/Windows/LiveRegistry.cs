using System.Runtime.Versioning;
using Microsoft.Win32;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// The registry of the machine the agent runs on, read through <see cref="Microsoft.Win32.Registry"/>
/// with the 64-bit view (so WOW6432Node is read by its own path, never by redirection). Nothing is
/// opened for writing.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class LiveRegistry : IRegistrySource
{
    public RegistryKeyView? OpenKey(string path)
    {
        if (RegistryPath.Split(path) is not { } split)
        {
            return null;
        }

        var hive = split.Hive switch
        {
            "HKLM" => RegistryHive.LocalMachine,
            "HKCU" => RegistryHive.CurrentUser,
            "HKU" => RegistryHive.Users,
            "HKCR" => RegistryHive.ClassesRoot,
            _ => RegistryHive.CurrentConfig,
        };
        using var baseKey = RegistryKey.OpenBaseKey(hive, RegistryView.Registry64);
        using var key = split.SubPath.Length == 0 ? baseKey : baseKey.OpenSubKey(split.SubPath, writable: false);
        if (key is null)
        {
            return null;
        }

        var values = new List<RegistryValue>();
        foreach (var name in key.GetValueNames())
        {
            if (ReadValue(key, name) is { } value)
            {
                values.Add(value);
            }
        }

        return new RegistryKeyView(RegistryPath.Join(split.Hive, split.SubPath), key.GetSubKeyNames(), values);
    }

    private static RegistryValue? ReadValue(RegistryKey key, string name)
    {
        RegistryValueKind kind;
        object? data;
        try
        {
            kind = key.GetValueKind(name);
            data = key.GetValue(name, null, RegistryValueOptions.DoNotExpandEnvironmentNames);
        }
        catch (IOException)
        {
            return null; // deleted between listing and reading
        }

        return (kind, data) switch
        {
            (RegistryValueKind.String, string text) => RegistryValue.FromString(name, TrimAtNull(text)),
            (RegistryValueKind.ExpandString, string text) => RegistryValue.FromString(name, TrimAtNull(text), expand: true),
            (RegistryValueKind.MultiString, string[] lines) => RegistryValue.FromMultiString(name, lines),
            (RegistryValueKind.DWord, int dword) => RegistryValue.FromDWord(name, unchecked((uint)dword)),
            (RegistryValueKind.QWord, long qword) => RegistryValue.FromQWord(name, unchecked((ulong)qword)),
            (RegistryValueKind.Binary, byte[] bytes) => RegistryValue.FromBytes(name, RegistryValueType.Binary, bytes),
            (RegistryValueKind.None, byte[] bytes) => RegistryValue.FromBytes(name, RegistryValueType.None, bytes),
            (_, byte[] bytes) => RegistryValue.FromBytes(name, RegistryValueType.Unknown, bytes),
            _ => null,
        };
    }

    // The .reg reader stops a string at its first NUL; the live reader does the same so both agree.
    private static string TrimAtNull(string text)
    {
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
