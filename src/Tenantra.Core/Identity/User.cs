namespace Tenantra.Core.Identity;

/// <summary>
/// A person who signs in. Users are platform-wide identities; what they may do in a tenant
/// comes from <see cref="Membership"/> rows.
/// </summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string DisplayName { get; set; }

    /// <summary>The tenant the user was created in; sign-in events are audited there.</summary>
    public Guid HomeTenantId { get; init; }

    public string? PasswordHash { get; set; }
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");
    public bool LockoutEnabled { get; set; } = true;
    public DateTimeOffset? LockoutEnd { get; set; }
    public int AccessFailedCount { get; set; }
    public bool TwoFactorEnabled { get; set; }

    /// <summary>TOTP secret, encrypted at rest by <c>SecretProtector</c>.</summary>
    public string? AuthenticatorKeyProtected { get; set; }

    /// <summary>The last TOTP time step accepted: a code for this step or earlier is refused.</summary>
    public long LastTotpTimeStep { get; set; }

    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
