using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// HTTP to the server: enrollment (unsigned), then signed heartbeats, uploads and key rotation.
/// TLS uses the system trust store, or — with a pin — only a certificate whose public key has the
/// pinned SHA-256, whatever its issuer.
/// </summary>
public sealed class AgentClient : IDisposable
{
    private readonly HttpClient _http;

    public AgentClient(Uri server, string? pinnedPublicKeySha256, Func<ECDsa>? signingKey = null, Guid agentId = default, TimeProvider? clock = null)
    {
        HttpMessageHandler handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            SslOptions = pinnedPublicKeySha256 is null ? new SslClientAuthenticationOptions() : new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && Matches(certificate, pinnedPublicKeySha256),
            },
        };
        if (signingKey is not null)
        {
            handler = new SigningHandler(agentId, signingKey, clock ?? TimeProvider.System) { InnerHandler = handler };
        }

        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"tenantra-agent/{AgentVersion.Current}");
    }

    public static bool Matches(X509Certificate certificate, string pinnedSha256)
    {
        using var x509 = new X509Certificate2(certificate);
        var hash = Convert.ToHexStringLower(SHA256.HashData(x509.PublicKey.ExportSubjectPublicKeyInfo()));
        return string.Equals(hash, pinnedSha256.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    public async Task<EnrollResponse> EnrollAsync(EnrollRequest request, CancellationToken cancellationToken)
    {
        var response = await _http.PostAsJsonAsync("/api/v1/agent/enroll", request, AgentJsonContext.Default.EnrollRequest, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.EnrollResponse, cancellationToken))!;
    }

    public async Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var response = await _http.PostAsJsonAsync("/api/v1/agent/heartbeat", request, AgentJsonContext.Default.HeartbeatRequest, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.HeartbeatResponse, cancellationToken))!;
    }

    /// <summary>Sends one queued snapshot (already gzip). The status decides what the queue does with it.</summary>
    public async Task<HttpStatusCode> UploadAsync(byte[] gzipJson, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(gzipJson);
        content.Headers.ContentType = new("application/gzip");
        using var response = await _http.PostAsync("/api/v1/agent/snapshots", content, cancellationToken);
        return response.StatusCode;
    }

    public async Task RotateKeyAsync(string newPublicKey, CancellationToken cancellationToken)
    {
        var response = await _http.PostAsJsonAsync("/api/v1/agent/rotate-key", new RotateKeyRequest(newPublicKey), AgentJsonContext.Default.RotateKeyRequest, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new AgentServerException(response.StatusCode, body.Length > 500 ? body[..500] : body);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The server answered with an error; <see cref="Status"/> tells whether retrying can help.</summary>
public sealed class AgentServerException(HttpStatusCode status, string body) : Exception($"The server answered {(int)status}: {body}")
{
    public HttpStatusCode Status { get; } = status;
}

public static class AgentVersion
{
    public static string Current { get; } = typeof(AgentVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
