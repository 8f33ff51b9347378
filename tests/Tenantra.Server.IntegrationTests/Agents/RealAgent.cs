using System.Diagnostics;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

/// <summary>
/// The real agent program, run as a separate process: the published single file when
/// <c>TENANTRA_AGENT_BINARY</c> names it (scripts/test publishes it), else the build output run by dotnet.
/// </summary>
internal sealed class RealAgent(string directory)
{
    public string ConfigPath => Path.Combine(directory, "agent.json");

    public string DataDirectory => Path.Combine(directory, "data");

    public string QueueDirectory => Path.Combine(DataDirectory, "queue");

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var binary = Environment.GetEnvironmentVariable("TENANTRA_AGENT_BINARY");
        var start = binary is { Length: > 0 }
            ? new ProcessStartInfo(binary)
            : new ProcessStartInfo("dotnet") { ArgumentList = { BuildOutput() } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    public Task<(int ExitCode, string Output)> EnrollAsync(Uri server, string token) =>
        RunAsync("enroll", "--server", server.ToString(), "--token", token, "--config", ConfigPath, "--data", DataDirectory);

    public Task<(int ExitCode, string Output)> RunOnceAsync() => RunAsync("run", "--once", "--config", ConfigPath);

    /// <summary>Points the enrolled agent at another server address (a restarted server on a new port).</summary>
    public void UseServer(Uri server) => SetConfig("serverUrl", server.ToString());

    /// <summary>Makes the enrolled agent collect the system under <paramref name="root"/> instead of this machine's.</summary>
    public void CollectUnder(string root) => SetConfig("collectionRoot", root);

    private void SetConfig(string name, string value)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        document[name] = value;
        File.WriteAllText(ConfigPath, document.ToJsonString());
    }

    private static string BuildOutput()
    {
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var path = RepositoryPaths.Of("src", "Tenantra.Agent", "bin", configuration, "net10.0", "tenantra-agent.dll");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException("The agent is not built: build the solution, or set TENANTRA_AGENT_BINARY.");
    }
}
