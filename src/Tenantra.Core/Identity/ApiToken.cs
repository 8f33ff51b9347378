namespace Tenantra.Core.Identity;

/// <summary>
/// A bearer token for integrations. It acts as its owner within one tenant, limited to its
/// scopes. Only the SHA-256 of the secret is stored; the secret is shown once at creation.
/// </summary>
public sealed class ApiToken : ITenantScoped, ISecretLookup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public Guid UserId { get; init; }
    public required string Name { get; set; }

    /// <summary>The first characters of the token, shown in lists so a token can be recognised.</summary>
    public required string Prefix { get; init; }
    public required string SecretHash { get; init; }

    string ISecretLookup.LookupHash => SecretHash;
    public List<string> Scopes { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}
