using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer tnt_…</c>. The token row is found by the hash of the
/// presented secret (the only row both isolation walls let through before the tenant is known);
/// revoked, expired and disabled-owner tokens fail. Last use is recorded at most once a minute (<see cref="ApiTokenUsage"/>).
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TenantraDbContext db,
    ITenantScopeFactory tenantScopes,
    TimeProvider clock,
    ApiTokenUsage usage,
    TenantraMetrics metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenPrefix = "tnt_";

    // Compiled once: this runs on every API request that carries a token.
    private static readonly Func<TenantraDbContext, string, Task<TokenWithOwner?>> s_findToken = EF.CompileAsyncQuery(
        (TenantraDbContext db, string hash) => db.ApiTokens.AsNoTracking()
            .Where(t => t.SecretHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new TokenWithOwner(t, u.Email, u.Disabled))
            .SingleOrDefault());

    private sealed record TokenWithOwner(ApiToken Token, string Email, bool Disabled);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header["Bearer ".Length..].Trim();
        if (!secret.StartsWith(TokenPrefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return Fail("malformed");
        }

        var hash = SecretTokens.Hash(secret);
        db.Scope.AllowLookup(hash);
        var found = await s_findToken(db, hash);
        var now = clock.GetUtcNow();
        if (found is null || !found.Token.IsActiveAt(now) || found.Disabled)
        {
            return Fail(found is null ? "unknown" : "inactive");
        }

        var token = found.Token;
        if (usage.ShouldRecord(token.Id, token.LastUsedAt, now))
        {
            await using var scope = tenantScopes.Enter(token.TenantId);
            await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().ApiTokens
                .Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        metrics.ApiTokenAuthentications.WithLabels("success").Inc();
        var identity = new ClaimsIdentity(
            [
                new Claim(TenantraClaims.UserId, token.UserId.ToString()),
                new Claim(TenantraClaims.Email, found.Email),
                new Claim(TenantraClaims.TokenId, token.Id.ToString()),
                new Claim(TenantraClaims.TokenTenantId, token.TenantId.ToString()),
                new Claim(TenantraClaims.Scope, string.Join(' ', token.Scopes)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string outcome)
    {
        metrics.ApiTokenAuthentications.WithLabels(outcome).Inc();
        return AuthenticateResult.Fail("The API token is not valid.");
    }
}
