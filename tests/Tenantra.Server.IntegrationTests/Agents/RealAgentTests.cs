using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Identity;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

/// <summary>The real agent program against the real server over HTTP on loopback, collecting this machine.</summary>
public sealed partial class RealAgentTests : IAsyncLifetime
{
    private static readonly string[] s_unitDirectories =
        ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

    private readonly string _directory = Directory.CreateTempSubdirectory("tenantra-agent-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_agent_enrolls_collects_this_machine_and_the_server_sees_its_unit_files_and_cron_entries_as_on_disk()
    {
        await using var app = await TenantraTestApp.StartAsync(listenOnLoopback: true);
        var (tenant, token) = await TenantWithEnrollmentTokenAsync(app);
        var agent = new RealAgent(_directory);

        var enrolled = await agent.EnrollAsync(app.ListeningAddress, token);
        var run = await agent.RunOnceAsync();

        Assert.True(enrolled.ExitCode == 0, enrolled.Output);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("0 snapshots waiting", run.Output, StringComparison.Ordinal);
        var services = await StateAsync(app, tenant, SnapshotCategories.Services);
        var scheduled = await StateAsync(app, tenant, SnapshotCategories.Scheduled);

        Assert.Equal(UnitFilesOnDisk(), services.Where(e => e.Kind == "systemd-unit").Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(CronScriptsOnDisk(), scheduled.Where(e => e.Kind == "cron-script").Select(e => e.Key).Order(StringComparer.Ordinal));
        foreach (var (source, lines) in CronLinesOnDisk())
        {
            Assert.Equal(lines, scheduled.Count(e => e.Kind == "cron-entry" && e.Fields["source"] == source));
        }

        var processes = await StateAsync(app, tenant, SnapshotCategories.Processes);
        Assert.Contains(processes, e => e.Kind == "executable" && e.Fields.TryGetValue("sha256", out var hash) && hash is { Length: 64 });

        // Key rotation: the server switches to the new key, and the agent keeps working with it.
        var rotated = await RealAgent.RunAsync("rotate-key", "--config", agent.ConfigPath);
        var afterRotation = await agent.RunOnceAsync();
        var status = await RealAgent.RunAsync("status", "--config", agent.ConfigPath);
        Assert.True(rotated.ExitCode == 0, rotated.Output);
        Assert.True(afterRotation.ExitCode == 0, afterRotation.Output);
        Assert.Contains("last error:      none", status.Output, StringComparison.Ordinal);
        Assert.Contains("queue:           0 snapshots", status.Output, StringComparison.Ordinal);
    }

    internal static async Task<(Guid Tenant, string Token)> TenantWithEnrollmentTokenAsync(TenantraTestApp app)
    {
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer, await data.TenantAsync(TenantKind.Msp));
        return (tenant, await EnrollmentTokenAsync(app, tenant));
    }

    internal static async Task<string> EnrollmentTokenAsync(TenantraTestApp app, Guid tenant)
    {
        var secret = SecretTokens.New("tne_");
        await app.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.EnrollmentTokens.Add(new EnrollmentToken
            {
                TenantId = tenant,
                Label = "real agent",
                Prefix = secret[..12],
                SecretHash = SecretTokens.Hash(secret),
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
            });
            return await db.SaveChangesAsync();
        });
        return secret;
    }

    internal static Task<List<SnapshotEntry>> StateAsync(TenantraTestApp app, Guid tenant, string category) =>
        app.InTenantAsync(tenant, async services =>
        {
            var json = await services.GetRequiredService<TenantraDbContext>().AssetStates.Where(s => s.Category == category).Select(s => s.EntriesJson).SingleAsync();
            return JsonSerializer.Deserialize(json, AgentJsonContext.Default.IReadOnlyListSnapshotEntry)!.ToList();
        });

    /// <summary>Unit files as systemd finds them: .service and .timer files (or links) in its unit directories, by name.</summary>
    private static List<string> UnitFilesOnDisk() =>
        [.. s_unitDirectories.Where(Directory.Exists)
            .SelectMany(d => new DirectoryInfo(d).EnumerateFileSystemInfos().Where(f => f is FileInfo || f.LinkTarget is not null))
            .Select(f => f.Name)
            .Where(n => n.EndsWith(".service", StringComparison.Ordinal) || n.EndsWith(".timer", StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>Scripts run-parts would run: names of letters, digits, '_' and '-' only.</summary>
    private static List<string> CronScriptsOnDisk() =>
        [.. new[] { "hourly", "daily", "weekly", "monthly" }.Select(p => $"/etc/cron.{p}").Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Where(f => RunPartsName().IsMatch(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)];

    /// <summary>Job lines (not comments, blank lines or VAR=value) of the system crontab and each cron.d file.</summary>
    private static IEnumerable<(string Source, int Lines)> CronLinesOnDisk() =>
        new[] { "/etc/crontab" }.Where(File.Exists)
            .Concat(Directory.Exists("/etc/cron.d") ? Directory.EnumerateFiles("/etc/cron.d").Where(f => RunPartsName().IsMatch(Path.GetFileName(f))) : [])
            .Select(f => (f, File.ReadLines(f).Count(line => line.Trim() is { Length: > 0 } t && !t.StartsWith('#') && !Assignment().IsMatch(t))));

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex RunPartsName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\s*=")]
    private static partial Regex Assignment();
}

/// <summary>Snapshots taken while the server is down wait on disk and arrive exactly once when it is back.</summary>
public sealed class AgentOutageTests : IAsyncLifetime
{
    /// <summary>Every category but autoruns, which only Windows has.</summary>
    private static readonly int s_categoriesOnLinux = SnapshotCategories.All.Count(c => c != SnapshotCategories.Autoruns);

    private readonly string _directory = Directory.CreateTempSubdirectory("tenantra-agent-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_snapshot_taken_during_an_outage_arrives_exactly_once_after_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        var agent = new RealAgent(_directory);
        Guid tenant;
        await using (var before = await TenantraTestApp.StartAsync(listenOnLoopback: true, database: database))
        {
            (tenant, var token) = await RealAgentTests.TenantWithEnrollmentTokenAsync(before);
            Assert.Equal(0, (await agent.EnrollAsync(before.ListeningAddress, token)).ExitCode);
        }

        // The server is down: two collection rounds queue up on disk, and the agent says so.
        var down1 = await agent.RunOnceAsync();
        var down2 = await agent.RunOnceAsync();
        var queued = Directory.EnumerateFiles(agent.QueueDirectory, "*.snap").ToList();
        Assert.NotEqual(0, down1.ExitCode);
        Assert.Contains($"{2 * s_categoriesOnLinux} snapshots waiting", down2.Output, StringComparison.Ordinal);
        Assert.Equal(2 * s_categoriesOnLinux, queued.Count);
        var queuedIds = queued.Select(f => Guid.ParseExact(Path.GetFileNameWithoutExtension(f)[20..], "N")).ToHashSet();

        // A response lost in the outage: the agent will send this snapshot again after it was stored.
        var resent = queued[0];
        var copy = File.ReadAllBytes(resent);

        await using var after = await TenantraTestApp.StartAsync(listenOnLoopback: true, database: database);
        agent.UseServer(after.ListeningAddress);
        var up = await agent.RunOnceAsync();
        File.WriteAllBytes(resent, copy);
        var again = await agent.RunOnceAsync();

        Assert.True(up.ExitCode == 0, up.Output);
        Assert.True(again.ExitCode == 0, again.Output);
        var stored = await after.InTenantAsync(tenant, services =>
            services.GetRequiredService<TenantraDbContext>().Snapshots.Select(s => s.Id).ToListAsync());
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Subset(stored.ToHashSet(), queuedIds);
        Assert.Equal(4 * s_categoriesOnLinux, stored.Count);
        Assert.Empty(Directory.EnumerateFiles(agent.QueueDirectory, "*.snap"));
    }
}
