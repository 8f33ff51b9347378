namespace Tenantra.Core.Audit;

/// <summary>
/// A signed statement that record <see cref="Sequence"/> of a tenant's audit chain had
/// <see cref="Hash"/> at <see cref="SignedAt"/> (see <see cref="AuditSignature"/>). Since each hash
/// covers every record before it, an anchor vouches for the whole chain up to it: anyone holding the
/// server's public key can tell a rewritten or truncated chain from the real one.
/// </summary>
public sealed class AuditAnchor : ITenantScoped
{
    public Guid TenantId { get; init; }
    public long Sequence { get; init; }
    public required string Hash { get; init; }
    public DateTimeOffset SignedAt { get; init; }

    /// <summary>The signing key's fingerprint (<see cref="AuditSignature.KeyIdOf"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>ECDSA P-256 over SHA-256 of <see cref="AuditSignature.AnchorStatement"/>, r‖s, base64.</summary>
    public required string Signature { get; init; }
}
