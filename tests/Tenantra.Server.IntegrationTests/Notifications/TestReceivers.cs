using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Notifications;

public sealed record ReceivedMail(string? From, string[] To, string Subject, string Text, string Html, Dictionary<string, string> Headers);

public sealed record ReceivedHook(string Path, Dictionary<string, string> Headers, string Body, bool? Verified, string Reason, int Status);

public sealed record ReceiverStats(int Mails, int Hooks, int Delivered, int Failed, int UniqueIds);

public sealed record VerifyResult(bool Valid, string Reason);

/// <summary>
/// The real receivers of tests/receivers (npm smtp-server and an HTTP server with an independent
/// Standard Webhooks verifier) in a node process on loopback, shared by a test class.
/// </summary>
public sealed class TestReceivers : IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private Process? _process;
    private HttpClient _http = new();

    public int SmtpPort { get; private set; }

    public int HttpPort { get; private set; }

    public string HookUrl(string name) => $"http://127.0.0.1:{HttpPort}/hook/{name}";

    /// <summary>Settings that point a test app's email at the SMTP receiver and let endpoints reach loopback.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Tenantra:Smtp:Host"] = "127.0.0.1",
        ["Tenantra:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tenantra:Smtp:UseTls"] = "false",
        ["Tenantra:Smtp:From"] = "alerts@tenantra.test",
        ["Tenantra:Notifications:AllowPrivateAddresses"] = "true",
        ["Tenantra:Notifications:ConsoleUrl"] = "https://console.tenantra.test",
    };

    public async Task InitializeAsync()
    {
        var directory = RepositoryPaths.Of("tests", "receivers");
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run `npm install` in {directory} first (scripts/test does).");
        }

        _process = Process.Start(new ProcessStartInfo("node", "receiver.mjs")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var ready = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20))
            ?? throw new InvalidOperationException($"The receiver stopped: {await _process.StandardError.ReadToEndAsync()}");
        var ports = ready.Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        SmtpPort = ports["smtp"];
        HttpPort = ports["http"];
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    public void Dispose() => _http.Dispose();

    public async Task<List<ReceivedMail>> MailsAsync() => (await _http.GetFromJsonAsync<List<ReceivedMail>>("/mails", s_json))!;

    public async Task<List<ReceivedHook>> HooksAsync() => (await _http.GetFromJsonAsync<List<ReceivedHook>>("/hooks", s_json))!;

    public async Task<ReceiverStats> StatsAsync() => (await _http.GetFromJsonAsync<ReceiverStats>("/stats", s_json))!;

    public async Task ResetAsync() => (await _http.PostAsync("/reset", null)).EnsureSuccessStatusCode();

    public async Task ConfigureAsync(double failRate, Dictionary<string, string[]>? secrets = null) =>
        (await _http.PostAsJsonAsync("/config", new { failRate, secrets = secrets ?? [] }, s_json)).EnsureSuccessStatusCode();

    public async Task<VerifyResult> VerifyAsync(Dictionary<string, string> headers, string body, string[] secrets, long? nowSeconds = null)
    {
        var response = await _http.PostAsJsonAsync("/verify", new { headers, body, secrets, nowSeconds }, s_json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VerifyResult>(s_json))!;
    }

    /// <summary>Waits until <paramref name="done"/> holds for what has arrived, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed.TotalSeconds > seconds)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
