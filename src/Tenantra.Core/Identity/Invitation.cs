namespace Tenantra.Core.Identity;

/// <summary>An invitation to join a tenant with a role; the link token is stored hashed.</summary>
public sealed class Invitation : ITenantScoped, ISecretLookup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Email { get; init; }
    public required string NormalizedEmail { get; init; }
    public Role Role { get; init; }
    public required string TokenHash { get; init; }

    string ISecretLookup.LookupHash => TokenHash;
    public Guid InvitedByUserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedByUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;
}
