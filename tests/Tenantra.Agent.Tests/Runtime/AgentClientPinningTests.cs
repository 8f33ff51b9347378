using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tenantra.Agent.Contracts;
using Tenantra.Agent.Runtime;

namespace Tenantra.Agent.Tests.Runtime;

public sealed class AgentClientPinningTests
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static string PinOf(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private static readonly EnrollRequest s_request = new("tne_token", "key", "machine", "host", "linux", "13", "0.1.0");

    [Fact]
    public void Only_the_certificate_with_the_pinned_public_key_matches_whatever_its_formatting()
    {
        using var server = SelfSigned("tenantra.example");
        using var impostor = SelfSigned("tenantra.example");
        var pin = PinOf(server);

        Assert.True(AgentClient.Matches(server, pin));
        Assert.True(AgentClient.Matches(server, pin.ToUpperInvariant()));
        Assert.True(AgentClient.Matches(server, string.Join(':', pin.Chunk(2).Select(c => new string(c)))));
        Assert.False(AgentClient.Matches(impostor, pin));
    }

    [Fact]
    public async Task Over_real_tls_a_pinned_self_signed_server_is_trusted_and_any_other_key_is_refused_before_a_byte_is_sent()
    {
        using var certificate = SelfSigned("localhost");
        using var impostor = SelfSigned("localhost");
        await using var server = new TlsServer(certificate);
        var url = new Uri($"https://localhost:{server.Port}");

        using (var pinned = new AgentClient(url, PinOf(certificate)))
        {
            var answer = await pinned.EnrollAsync(s_request, CancellationToken.None);
            Assert.Equal("pinned-host", answer.AssetName);
        }

        using (var wrongPin = new AgentClient(url, PinOf(impostor)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => wrongPin.EnrollAsync(s_request, CancellationToken.None));
        }

        using (var systemTrust = new AgentClient(url, pinnedPublicKeySha256: null))
        {
            // Without a pin the system's trust store decides, and it does not know this certificate.
            await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.EnrollAsync(s_request, CancellationToken.None));
        }

        Assert.Equal(1, server.RequestsServed);
    }

    /// <summary>A loopback HTTPS server that answers every request with one enrollment response.</summary>
    private sealed class TlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _served;

        public TlsServer(X509Certificate2 certificate)
        {
            _certificate = certificate;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int RequestsServed => Volatile.Read(ref _served);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                var request = await ReadRequestAsync(tls);
                if (!request.StartsWith("POST /api/v1/agent/enroll ", StringComparison.Ordinal))
                {
                    return;
                }

                var body = Encoding.UTF8.GetBytes($$"""{"agentId":"{{Guid.NewGuid()}}","tenantId":"{{Guid.NewGuid()}}","assetName":"pinned-host"}""");
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                Interlocked.Increment(ref _served);
                await tls.WriteAsync(head.Concat(body).ToArray());
                await tls.FlushAsync();
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client refused the certificate: the handshake ends here.
            }
        }

        /// <summary>The request line and headers, and the body they announce.</summary>
        private static async Task<string> ReadRequestAsync(Stream stream)
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            int headerEnd;
            while ((headerEnd = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return "";
                }

                received.AddRange(buffer.AsSpan(0, read));
            }

            var head = Encoding.ASCII.GetString([.. received], 0, headerEnd);
            var length = head.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            while (received.Count < headerEnd + 4 + length)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, read));
            }

            return head;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
