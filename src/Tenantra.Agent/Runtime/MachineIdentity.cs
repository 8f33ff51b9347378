namespace Tenantra.Agent.Runtime;

/// <summary>
/// A stable id of this machine that survives reinstalling the agent: <c>/etc/machine-id</c> on
/// Linux, the MachineGuid in the registry on Windows; the host name when neither is readable.
/// </summary>
public static class MachineIdentity
{
    public static string Read()
    {
        if (OperatingSystem.IsWindows())
        {
            using var key = Microsoft.Win32.Registry.LocalMachine.OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
            if (key?.GetValue("MachineGuid") is string guid && guid.Length > 0)
            {
                return guid;
            }
        }
        else
        {
            foreach (var path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
            {
                if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id)
                {
                    return id;
                }
            }
        }

        return "host:" + Environment.MachineName;
    }
}
