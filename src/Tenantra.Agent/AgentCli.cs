using System.CommandLine;
using System.Text.Json;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Contracts;
using Tenantra.Agent.Runtime;

namespace Tenantra.Agent;

/// <summary>
/// The agent's commands. Exit codes: 0 success, 1 the work failed (server refused, unreachable),
/// 2 bad usage or configuration.
/// </summary>
public static class AgentCli
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static int Run(string[] args)
    {
        var configOption = new Option<string>("--config") { Description = "Path of the agent's configuration file.", DefaultValueFactory = _ => AgentConfig.DefaultPath };

        var server = new Option<string>("--server") { Description = "The Tenantra server, e.g. https://tenantra.example.com.", Required = true };
        var token = new Option<string>("--token") { Description = "An enrollment token from the console (Agents → Enrollment).", Required = true };
        var pin = new Option<string?>("--pin-sha256") { Description = "Trust only a server certificate whose public key has this SHA-256 (hex)." };
        var dataDirectory = new Option<string>("--data") { Description = "Key, offline queue and state.", DefaultValueFactory = _ => AgentConfig.DefaultDataDirectory };
        var enroll = new Command("enroll", "Make this machine's key pair and enroll it with the server.") { server, token, pin, dataDirectory, configOption };
        enroll.SetAction((result, cancellationToken) => EnrollAsync(
            result.GetValue(configOption)!, result.GetValue(server)!, result.GetValue(token)!, result.GetValue(pin), result.GetValue(dataDirectory)!, cancellationToken));

        var once = new Option<bool>("--once") { Description = "One heartbeat, every category collected, the queue drained; then exit." };
        var service = new Option<bool>("--service") { Description = "Started by systemd or the Windows task scheduler at boot (informational)." };
        var run = new Command("run", "Check in, collect on schedule and upload, until stopped.") { once, service, configOption };
        run.SetAction((result, cancellationToken) => RunAsync(result.GetValue(configOption)!, result.GetValue(once), cancellationToken));

        var print = new Option<bool>("--print") { Description = "Print the snapshots as JSON (nothing is sent)." };
        var category = new Option<string?>("--category") { Description = $"Only this category: {string.Join(", ", SnapshotCategories.All)}." };
        var root = new Option<string>("--root") { Description = "Read the system under this directory instead of /.", DefaultValueFactory = _ => "/" };
        var collect = new Command("collect", "Collect this machine now, for inspection.") { print, category, root };
        collect.SetAction(result => Collect(result.GetValue(category), result.GetValue(root)!));

        var status = new Command("status", "Show enrollment, last contact, queue and errors.") { configOption };
        status.SetAction(result => Status(result.GetValue(configOption)!));

        var rotate = new Command("rotate-key", "Make a new key pair and switch the server to it.") { configOption };
        rotate.SetAction((result, cancellationToken) => RotateKeyAsync(result.GetValue(configOption)!, cancellationToken));

        var rootCommand = new RootCommand("Tenantra agent: collects what runs on this machine and reports it to the Tenantra server.") { enroll, run, collect, status, rotate };
        return rootCommand.Parse(args).Invoke();
    }

    private static async Task<int> EnrollAsync(string configPath, string serverText, string token, string? pin, string dataDirectory, CancellationToken cancellationToken)
    {
        // Parsed here rather than by the option: the trimmed build has no type converter for Uri.
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            Console.Error.WriteLine($"enroll: --server must be an http(s) URL, not {serverText}.");
            return Usage;
        }

        using var key = AgentKey.Create();
        using var client = new AgentClient(server, pin);
        EnrollResponse enrolled;
        try
        {
            enrolled = await client.EnrollAsync(new EnrollRequest(
                token, AgentKey.PublicKeyOf(key), MachineIdentity.Read(), Environment.MachineName,
                OperatingSystem.IsWindows() ? "windows" : "linux", Environment.OSVersion.VersionString, AgentVersion.Current), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or AgentServerException)
        {
            Console.Error.WriteLine($"enroll: {ex.Message}");
            return Failed;
        }

        AgentKey.Save(key, Path.Combine(dataDirectory, AgentKey.FileName));
        new AgentConfig { ServerUrl = server.ToString(), AgentId = enrolled.AgentId, TenantId = enrolled.TenantId, PinnedPublicKeySha256 = pin, DataDirectory = dataDirectory }.Save(configPath);
        Console.WriteLine($"Enrolled as {enrolled.AssetName} (agent {enrolled.AgentId}). Configuration: {configPath}");
        return Success;
    }

    private static async Task<int> RunAsync(string configPath, bool once, CancellationToken cancellationToken)
    {
        if (LoadConfig(configPath) is not { } config)
        {
            return Usage;
        }

        using var key = AgentKey.Load(Path.Combine(config.DataDirectory, AgentKey.FileName));
        using var client = new AgentClient(new Uri(config.ServerUrl), config.PinnedPublicKeySha256, () => key, config.AgentId);
        var queue = new OfflineQueue(Path.Combine(config.DataDirectory, "queue"), config.QueueLimitBytes);
        var runner = new AgentRunner(config, client, new Collection(CollectorCatalog.ForThisMachine(), config.CollectionRoot), queue, Console.Error);
        await runner.RunAsync(once, cancellationToken);
        var left = queue.Pending().Count;
        if (once)
        {
            Console.WriteLine($"{left} snapshots waiting; last error: {runner.State.LastError ?? "none"}");
        }

        return once && left > 0 ? Failed : Success;
    }

    private static int Collect(string? category, string root)
    {
        if (category is not null && !SnapshotCategories.IsKnown(category))
        {
            Console.Error.WriteLine($"collect: unknown category {category}; use one of {string.Join(", ", SnapshotCategories.All)}.");
            return Usage;
        }

        var collection = new Collection(CollectorCatalog.ForThisMachine(), root);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var problems = new List<string>();
        var snapshots = collection.Categories.Where(c => category is null || c == category).Select(c => collection.Collect(c, problems)).ToList();
        foreach (var snapshot in snapshots)
        {
            Console.WriteLine(JsonSerializer.Serialize(snapshot, AgentJsonContext.Default.Snapshot));
        }

        Console.Error.WriteLine($"collected {snapshots.Sum(s => s.Entries.Count)} entries in {snapshots.Count} categories in {started.ElapsedMilliseconds} ms; {problems.Count} problems");
        foreach (var problem in problems.Take(20))
        {
            Console.Error.WriteLine($"  {problem}");
        }

        return Success;
    }

    private static int Status(string configPath)
    {
        if (LoadConfig(configPath) is not { } config)
        {
            return Usage;
        }

        var queue = new OfflineQueue(Path.Combine(config.DataDirectory, "queue"), config.QueueLimitBytes);
        var statePath = Path.Combine(config.DataDirectory, "state.json");
        var state = File.Exists(statePath) ? JsonSerializer.Deserialize(File.ReadAllText(statePath), AgentConfigJson.Default.AgentState) : null;
        Console.WriteLine($"server:          {config.ServerUrl}{(config.PinnedPublicKeySha256 is null ? "" : " (pinned)")}");
        Console.WriteLine($"agent:           {config.AgentId} (tenant {config.TenantId})");
        Console.WriteLine($"last heartbeat:  {state?.LastHeartbeatAt?.ToString("O") ?? "never"}");
        Console.WriteLine($"last error:      {(state?.LastError is null ? "none" : $"{state.LastError} at {state.LastErrorAt:O}")}");
        Console.WriteLine($"queue:           {queue.Pending().Count} snapshots, {queue.PendingBytes} bytes; {queue.Dropped} dropped; {queue.RejectedCount} rejected");
        return Success;
    }

    private static async Task<int> RotateKeyAsync(string configPath, CancellationToken cancellationToken)
    {
        if (LoadConfig(configPath) is not { } config)
        {
            return Usage;
        }

        var keyPath = Path.Combine(config.DataDirectory, AgentKey.FileName);
        var pendingPath = Path.Combine(config.DataDirectory, AgentKey.PendingFileName);
        using var current = AgentKey.Load(keyPath);
        using var next = AgentKey.Create();
        // Saved before the server switches, so a crash in between leaves the new key on disk to finish with.
        AgentKey.Save(next, pendingPath);
        using var client = new AgentClient(new Uri(config.ServerUrl), config.PinnedPublicKeySha256, () => current, config.AgentId);
        try
        {
            await client.RotateKeyAsync(AgentKey.PublicKeyOf(next), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or AgentServerException)
        {
            Console.Error.WriteLine($"rotate-key: {ex.Message}");
            return Failed;
        }

        File.Move(pendingPath, keyPath, overwrite: true);
        Console.WriteLine("The server now accepts only the new key.");
        return Success;
    }

    private static AgentConfig? LoadConfig(string path)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No configuration at {path}: run `tenantra-agent enroll --server URL --token T` first.");
            return null;
        }

        return AgentConfig.Load(path);
    }
}
