using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;
using Tenantra.Agent.Tests.Collectors.Windows;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;

namespace Tenantra.Agent.Tests.Integrity;

/// <summary>
/// The Windows collectors over registry exports of a clean machine and of the same machine after
/// an intrusion, judged by the shipped severity rules: what the drift engine sees on a real agent.
/// </summary>
public sealed class WindowsDriftTests
{
    private const string Ifeo = @"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\";

    private static List<SnapshotEntry> Collect(string fixture, Func<IRegistrySource, ICollector> collector)
    {
        var parsed = RegFileParser.Parse(WindowsFixtures.Bytes($"registry/{fixture}"));
        Assert.Empty(parsed.Problems);
        return [.. collector(parsed.Registry).Collect(new CollectionContext("/nonexistent"))];
    }

    private static Dictionary<string, DriftFinding> Drift(string category, string before, string after, Func<IRegistrySource, ICollector> collector) =>
        DriftEvaluation.Evaluate(IntegrityPolicies.For(category)!, Collect(before, collector), Collect(after, collector), Suppressions.None, SeverityRuleSet.Shipped)
            .ToDictionary(f => f.Change.Key);

    [Fact]
    public void A_malicious_run_key_an_ifeo_debugger_and_a_changed_userinit_are_high_or_critical_and_nothing_else_changed()
    {
        var drift = Drift(SnapshotCategories.Autoruns, "autoruns-before.reg", "autoruns.reg", r => new AutorunsCollector(r));

        Assert.Equal(3, drift.Count);
        var runKey = drift[@"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\WindowsUpdateCheck"];
        Assert.Equal(EntryChangeKind.Added, runKey.Change.Change);
        Assert.Equal(NotificationSeverity.High, runKey.Severity);
        Assert.Equal("user-writable-path-windows", runKey.RuleKeys[0]);

        var debugger = drift[Ifeo + @"sethc.exe\Debugger"];
        Assert.Equal(NotificationSeverity.Critical, debugger.Severity);
        Assert.Equal("ifeo-debugger", debugger.RuleKeys[0]);
        Assert.Equal(@"C:\Windows\System32\cmd.exe", debugger.After!.Fields["value"]);

        var userinit = drift[@"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\Userinit"];
        Assert.Equal(EntryChangeKind.Modified, userinit.Change.Change);
        Assert.Equal(NotificationSeverity.Critical, userinit.Severity);
        var value = Assert.Single(userinit.Change.Fields);
        Assert.Equal(@"C:\Windows\system32\userinit.exe,", value.Before);
        Assert.Contains(@"\Users\Public\Libraries\winlogon-helper.exe", value.After, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_service_running_from_programdata_is_high()
    {
        var drift = Drift(SnapshotCategories.Services, "services-before.reg", "services.reg", r => new WindowsServiceCollector(r));

        var service = Assert.Single(drift.Values);
        Assert.Equal("WinSvcUpdater", service.Change.Key);
        Assert.Equal(EntryChangeKind.Added, service.Change.Change);
        Assert.Equal(NotificationSeverity.High, service.Severity);
        Assert.Equal("user-writable-path-windows", service.RuleKeys[0]);
    }

    [Fact]
    public void The_same_registry_twice_is_no_drift()
    {
        Assert.Empty(Drift(SnapshotCategories.Autoruns, "autoruns.reg", "autoruns.reg", r => new AutorunsCollector(r)));
    }
}
