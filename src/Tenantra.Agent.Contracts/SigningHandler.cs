using System.Security.Cryptography;

namespace Tenantra.Agent.Contracts;

/// <summary>
/// Signs every outgoing request per <see cref="AgentRequestSignature"/> with the agent's key. The
/// body is read once to hash it and sent exactly as hashed. The clock is injectable so tests can
/// send skewed timestamps.
/// </summary>
public sealed class SigningHandler(Guid agentId, Func<ECDsa> currentKey, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        if (request.Content is not null)
        {
            var replacement = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = replacement;
        }

        var seconds = clock.GetUtcNow().ToUnixTimeSeconds();
        var nonce = AgentRequestSignature.NewNonce();
        var uri = request.RequestUri!;
        var signature = AgentRequestSignature.Sign(currentKey(), request.Method.Method, uri.PathAndQuery, seconds, nonce, body);
        request.Headers.Add(AgentRequestSignature.AgentHeader, agentId.ToString());
        request.Headers.Add(AgentRequestSignature.TimestampHeader, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(AgentRequestSignature.NonceHeader, nonce);
        request.Headers.Add(AgentRequestSignature.SignatureHeader, signature);
        return await base.SendAsync(request, cancellationToken);
    }
}
