using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;

namespace Tenantra.Server.Hosting;

/// <summary>Creates the platform tenant and platform administrators.</summary>
public sealed class Bootstrapper(IServiceScopeFactory scopes, TimeProvider clock)
{
    public sealed record CreatedAdmin(string Email, string Password, bool PasswordGenerated);

    /// <summary>The platform tenant (fixed id), created on first use. Safe when several nodes start at once.</summary>
    public async Task<Guid> EnsurePlatformAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        if (await db.Tenants.AnyAsync(t => t.Id == Tenant.PlatformId, cancellationToken))
        {
            return Tenant.PlatformId;
        }

        db.Tenants.Add(new Tenant { Id = Tenant.PlatformId, Kind = TenantKind.Platform, Name = "Platform", CreatedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node created it first (the fixed id made the inserts collide); anything else fails here.
            await using var check = scopes.CreateAsyncScope();
            if (!await check.ServiceProvider.GetRequiredService<TenantraDbContext>().Tenants.AnyAsync(t => t.Id == Tenant.PlatformId, cancellationToken))
            {
                throw;
            }
        }

        return Tenant.PlatformId;
    }

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().Users.AnyAsync(cancellationToken);
    }

    /// <summary>Creates a platform admin; a strong password is generated when none is given.</summary>
    public async Task<CreatedAdmin> CreatePlatformAdminAsync(string email, string displayName, string? password, CancellationToken cancellationToken = default)
    {
        var platformId = await EnsurePlatformAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(platformId);
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var generated = password is null;
        password ??= SecretTokens.New("", 18);
        var user = new User { Email = email, NormalizedEmail = users.NormalizeEmail(email), DisplayName = displayName, HomeTenantId = platformId, CreatedAt = clock.GetUtcNow() };
        if (await users.TrySetNewPasswordAsync(user, password) is { Succeeded: false } refused)
        {
            throw new ArgumentException(string.Join(" ", refused.Errors.Select(e => e.Description)), nameof(password));
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new ArgumentException($"A user with email {email} already exists.", nameof(email));
        }

        db.Users.Add(user);
        db.Memberships.Add(new Membership { TenantId = platformId, UserId = user.Id, Role = Role.Admin, CreatedAt = user.CreatedAt });
        await scope.ServiceProvider.GetRequiredService<AuditWriter>().StageAsync(platformId, new AuditEvent("user.created", "user", user.Id, After: new { user.Email, Role = Role.Admin }) { ActorName = "cli" });
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedAdmin(email, password, generated);
    }
}
