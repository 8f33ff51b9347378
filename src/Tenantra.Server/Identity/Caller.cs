using System.Security.Claims;

namespace Tenantra.Server.Identity;

/// <summary>Claim names Tenantra puts in its principals.</summary>
internal static class TenantraClaims
{
    public const string UserId = "sub";
    public const string Email = "email";
    public const string SecurityStamp = "stamp";
    public const string TokenId = "tok";
    public const string TokenTenantId = "tok_tenant";
    public const string Scope = "scope";
    public const string AuthenticationMethod = "amr";
}

/// <summary>Who is calling: a signed-in user, or an API token acting for its owner inside one tenant.</summary>
public sealed class Caller(IHttpContextAccessor accessor)
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAuthenticated => UserIdOrNull is not null;

    public Guid? UserIdOrNull => Guid.TryParse(Principal.FindFirstValue(TenantraClaims.UserId), out var id) ? id : null;

    public Guid UserId => UserIdOrNull ?? throw new InvalidOperationException("No signed-in caller.");

    public string? Email => Principal.FindFirstValue(TenantraClaims.Email);

    public Guid? TokenId => Guid.TryParse(Principal.FindFirstValue(TenantraClaims.TokenId), out var id) ? id : null;

    /// <summary>For token callers: the tenant the token was issued in; its access never reaches beyond it.</summary>
    public Guid? TokenTenantId => Guid.TryParse(Principal.FindFirstValue(TenantraClaims.TokenTenantId), out var id) ? id : null;

    public IReadOnlyList<string> TokenScopes =>
        Principal.FindFirstValue(TenantraClaims.Scope)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public bool IsToken => TokenId is not null;
}
