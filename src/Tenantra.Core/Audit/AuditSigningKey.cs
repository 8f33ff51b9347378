namespace Tenantra.Core.Audit;

/// <summary>
/// The server's key for signing audit anchors and export seals: ECDSA P-256, the private part
/// wrapped by the master key. The newest signs; older ones stay published so what they signed can
/// still be checked. <see cref="Id"/> is the public key's fingerprint.
/// </summary>
public sealed class AuditSigningKey
{
    public required string Id { get; init; }

    /// <summary>SubjectPublicKeyInfo, PEM.</summary>
    public required string PublicKeyPem { get; init; }
    public required string ProtectedPrivateKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
