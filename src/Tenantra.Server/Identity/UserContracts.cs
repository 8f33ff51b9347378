using Tenantra.Core.Identity;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Identity;

public sealed record CreateUserRequest(string? Email, string? DisplayName, Role? Role, string? Password) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Email("email", Email);
        errors.Required("displayName", DisplayName, 200);
        errors.Defined("role", Role);
        errors.MaxLength("password", Password, 1024);
    }
}

public sealed record UpdateUserRequest(string? DisplayName, bool? Disabled) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (DisplayName is null && Disabled is null)
        {
            errors.Add("displayName", "Give a new display name or the disabled flag.");
        }

        if (DisplayName is not null)
        {
            errors.Required("displayName", DisplayName, 200);
        }
    }
}

/// <summary>A member of a tenant: the user with the roles held directly in that tenant.</summary>
public sealed record TenantUserResponse(Guid Id, string Email, string DisplayName, bool Disabled, bool TwoFactorEnabled, bool ManagedHere, IReadOnlyList<Role> Roles, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

/// <summary>A created user; <see cref="PasswordResetToken"/> is present (once) when no password was given.</summary>
public sealed record CreatedUserResponse(TenantUserResponse User, string? PasswordResetToken);

public sealed record PasswordResetTokenResponse(string Email, string Token, DateTimeOffset ExpiresAt);

public sealed record CreateMembershipRequest(string? Email, Role? Role, CustomerScope? CustomerScope, IReadOnlyList<Guid>? CustomerIds) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Email("email", Email);
        errors.Defined("role", Role);
        MembershipRules.ValidateScope(errors, CustomerScope, CustomerIds);
    }
}

public sealed record UpdateMembershipRequest(Role? Role, CustomerScope? CustomerScope, IReadOnlyList<Guid>? CustomerIds) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Role is not null)
        {
            errors.Defined("role", Role);
        }

        MembershipRules.ValidateScope(errors, CustomerScope, CustomerIds);
    }
}

public sealed record MembershipResponse(Guid Id, Guid TenantId, Guid UserId, string Email, string DisplayName, Role Role, CustomerScope CustomerScope, IReadOnlyList<Guid> CustomerIds, DateTimeOffset CreatedAt);

internal static class MembershipRules
{
    public const int MaxCustomers = 1000;

    public static void ValidateScope(ValidationErrors errors, CustomerScope? scope, IReadOnlyList<Guid>? customerIds)
    {
        if (scope is not null)
        {
            errors.Defined("customerScope", scope);
        }

        if (customerIds is { Count: > MaxCustomers })
        {
            errors.Add("customerIds", $"must list at most {MaxCustomers} customers.");
        }

        if (scope == CustomerScope.SelectedCustomers && (customerIds is null || customerIds.Count == 0))
        {
            errors.Add("customerIds", "must list the customers when customerScope is SelectedCustomers.");
        }

        if (scope != CustomerScope.SelectedCustomers && customerIds is { Count: > 0 })
        {
            errors.Add("customerIds", "applies only with customerScope SelectedCustomers.");
        }
    }
}

public sealed record CreateInvitationRequest(string? Email, Role? Role, int? ExpiresInDays) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Email("email", Email);
        errors.Defined("role", Role);
        if (ExpiresInDays is < 1 or > 30)
        {
            errors.Add("expiresInDays", "must be between 1 and 30.");
        }
    }
}

public sealed record InvitationResponse(Guid Id, Guid TenantId, string Email, Role Role, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt);

/// <summary>A created invitation; the token is shown once and goes in the acceptance link.</summary>
public sealed record CreatedInvitationResponse(InvitationResponse Invitation, string Token);

public sealed record InvitationTokenRequest(string? Token) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("token", Token, 200);
}

public sealed record InvitationPreviewResponse(string TenantName, string Email, Role Role, DateTimeOffset ExpiresAt, bool AccountExists);

public sealed record AcceptInvitationRequest(string? Token, string? DisplayName, string? Password) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("token", Token, 200);
        errors.MaxLength("displayName", DisplayName, 200);
        errors.MaxLength("password", Password, 1024);
    }
}

public sealed record CreateApiTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("name", Name, 100);
        if (Scopes is null || Scopes.Count == 0)
        {
            errors.Add("scopes", "must list at least one scope.");
        }
        else if (Scopes.FirstOrDefault(s => !Permissions.TryParseScope(s, out _)) is { } unknown)
        {
            errors.Add("scopes", $"'{(unknown.Length > 40 ? unknown[..40] : unknown)}' is not a scope. Known: {string.Join(", ", Permissions.AllScopeNames)}.");
        }

        if (ExpiresInDays is < 1 or > 365)
        {
            errors.Add("expiresInDays", "must be between 1 and 365.");
        }
    }
}

public sealed record ApiTokenResponse(Guid Id, Guid TenantId, Guid UserId, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static ApiTokenResponse From(ApiToken t) => new(t.Id, t.TenantId, t.UserId, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}

/// <summary>A created token; <see cref="Token"/> is the secret, shown this once and never again.</summary>
public sealed record CreatedApiTokenResponse(ApiTokenResponse ApiToken, string Token);
