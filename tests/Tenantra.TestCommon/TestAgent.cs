using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Tenantra.Agent.Contracts;

namespace Tenantra.TestCommon;

/// <summary>
/// An agent as the server sees it, over the test server: its own P-256 key, enrollment, and signed
/// requests through the same <see cref="SigningHandler"/> the real agent uses. The clock can be
/// shifted to send skewed timestamps.
/// </summary>
public sealed class TestAgent : IDisposable
{
    private readonly TenantraTestApp _app;
    private readonly ShiftableClock _clock = new();

    private TestAgent(TenantraTestApp app, ECDsa key, Guid agentId, Guid tenantId)
    {
        _app = app;
        Key = key;
        AgentId = agentId;
        TenantId = tenantId;
        Client = CreateClient(() => Key);
    }

    public ECDsa Key { get; set; }

    public Guid AgentId { get; }

    public Guid TenantId { get; }

    /// <summary>Signs with <see cref="Key"/> at the (shiftable) current time.</summary>
    public HttpClient Client { get; }

    public TimeSpan ClockShift
    {
        get => _clock.Shift;
        set => _clock.Shift = value;
    }

    public static string PublicKeyOf(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    public static async Task<HttpResponseMessage> EnrollRawAsync(TenantraTestApp app, object request)
    {
        using var client = app.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/agent/enroll", request);
    }

    public static async Task<TestAgent> EnrollAsync(TenantraTestApp app, string token, string? machineId = null, string hostname = "test-host")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var response = await EnrollRawAsync(app, new EnrollRequest(token, PublicKeyOf(key), machineId ?? Guid.NewGuid().ToString("N"), hostname, "linux", "Debian 12", "0.1.0"));
        response.EnsureSuccessStatusCode();
        var enrolled = (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.EnrollResponse))!;
        return new TestAgent(app, key, enrolled.AgentId, enrolled.TenantId);
    }

    /// <summary>A client that signs with another key (or as another agent id) — for refusal tests.</summary>
    public HttpClient CreateClient(Func<ECDsa> key, Guid? agentId = null)
    {
        var signing = new SigningHandler(agentId ?? AgentId, key, _clock) { InnerHandler = _app.Server.CreateHandler() };
        return new HttpClient(signing) { BaseAddress = _app.Server.BaseAddress };
    }

    public Task<HttpResponseMessage> HeartbeatAsync(HeartbeatRequest? request = null) =>
        Client.PostAsJsonAsync("/api/v1/agent/heartbeat", request ?? new HeartbeatRequest("0.1.0", "test-host", "linux", "Debian 12", 100, ["10.0.0.5"], 0), AgentJsonContext.Default.HeartbeatRequest);

    public Task<HttpResponseMessage> UploadAsync(Snapshot snapshot) => UploadRawAsync(Gzip(JsonSerializer.SerializeToUtf8Bytes(snapshot, AgentJsonContext.Default.Snapshot)));

    public Task<HttpResponseMessage> UploadRawAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/gzip");
        return Client.PostAsync("/api/v1/agent/snapshots", content);
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static Snapshot Snapshot(string category, params SnapshotEntry[] entries) =>
        new(SnapshotSchema.Version, Guid.CreateVersion7(), category, DateTimeOffset.UtcNow, entries);

    public static SnapshotEntry Entry(string kind, string key, params (string Name, string? Value)[] fields) =>
        new(kind, key, fields.ToDictionary(f => f.Name, f => f.Value));

    public void Dispose()
    {
        Client.Dispose();
        Key.Dispose();
    }
}
