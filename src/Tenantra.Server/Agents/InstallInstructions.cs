namespace Tenantra.Server.Agents;

/// <summary>Copy-paste commands that install the agent and enroll it with a token, per operating system.</summary>
public static class InstallInstructions
{
    public static IReadOnlyDictionary<string, string> For(string server, string token) => new Dictionary<string, string>
    {
        ["linux"] = $"""
            # as root, with tenantra-agent (linux-x64 build) and tenantra-agent.service in the current directory
            install -m 0755 tenantra-agent /usr/local/bin/tenantra-agent
            tenantra-agent enroll --server {server} --token {token}
            install -m 0644 tenantra-agent.service /etc/systemd/system/tenantra-agent.service
            systemctl daemon-reload && systemctl enable --now tenantra-agent
            """,
        ["windows"] = $"""
            # in an elevated PowerShell, with tenantra-agent.exe (win-x64 build) in the current directory
            New-Item -ItemType Directory -Force "$env:ProgramFiles\Tenantra" | Out-Null
            Copy-Item .\tenantra-agent.exe "$env:ProgramFiles\Tenantra\tenantra-agent.exe"
            & "$env:ProgramFiles\Tenantra\tenantra-agent.exe" enroll --server {server} --token {token}
            # Runs at startup as SYSTEM and is restarted if it stops (see docs/agent.md, decision 0008).
            $action = New-ScheduledTaskAction -Execute "$env:ProgramFiles\Tenantra\tenantra-agent.exe" -Argument "run --service"
            $settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -ExecutionTimeLimit 0 -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
            Register-ScheduledTask -TaskName "Tenantra agent" -Action $action -Trigger (New-ScheduledTaskTrigger -AtStartup) -Settings $settings -User "SYSTEM" -RunLevel Highest -Force | Out-Null
            Start-ScheduledTask -TaskName "Tenantra agent"
            """,
    };
}
