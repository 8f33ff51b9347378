using System.Diagnostics;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Notifications;

/// <summary>
/// A <c>tenantra worker</c> process (the server's build output, same configuration as the tests)
/// over a test database: a separate node that can be killed outright.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What it last printed, for a failure message.</summary>
    public string LastLines
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { ServerBuild(), "worker" }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>SIGKILL: no shutdown, no finished writes — what a crash or an OOM kill does.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>The server built in the configuration these tests were built in.</summary>
    private static string ServerBuild()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = RepositoryPaths.Of("src", "Tenantra.Server", "bin", configuration, "net10.0", "tenantra.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The server is not built ({path}).");
    }
}
