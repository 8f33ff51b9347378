using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tenantra.Agent.Runtime;

namespace Tenantra.Agent.Tests.Runtime;

public sealed class AgentClientPinningTests
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string PinOf(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

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
}
