namespace Tenantra.Core.Agents;

/// <summary>
/// Lets agents join one tenant: expiring, limited to a number of uses, optionally placing the
/// assets it enrolls in a group, revocable. Only the SHA-256 of the secret is stored; the secret is
/// shown once, inside the install instructions.
/// </summary>
public sealed class EnrollmentToken : ITenantScoped, ISecretLookup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Label { get; set; }
    public required string Prefix { get; init; }
    public required string SecretHash { get; init; }

    string ISecretLookup.LookupHash => SecretHash;
    public Guid CreatedByUserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Null: never expires (the audit detections flag such tokens).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Null: unlimited.</summary>
    public int? MaxUses { get; init; }
    public int Uses { get; set; }
    public Guid? AssetGroupId { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public string StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? "revoked"
        : ExpiresAt <= now ? "expired"
        : Uses >= MaxUses ? "used-up"
        : "active";
}
