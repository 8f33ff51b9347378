using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Identity;

namespace Tenantra.TestCommon;

/// <summary>Builds tenants, users and tokens straight through the services (fast, no HTTP).</summary>
public sealed class TestData(TenantraTestApp app)
{
    private int _counter;

    public async Task<Guid> TenantAsync(TenantKind kind, Guid? parentId = null, string? name = null)
    {
        var parent = parentId ?? app.PlatformTenantId;
        return await app.InTenantAsync(parent, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var tenant = new Tenant { Kind = kind, ParentId = parent, Name = name ?? $"{kind} {Interlocked.Increment(ref _counter)}", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            return tenant.Id;
        });
    }

    /// <summary>A user whose home is <paramref name="tenantId"/>, holding <paramref name="role"/> there.</summary>
    public async Task<TestUser> UserAsync(Guid tenantId, Role role, CustomerScope scope = CustomerScope.AllCustomers, params Guid[] customers)
    {
        var email = $"user{Interlocked.Increment(ref _counter)}-{role.ToString().ToLowerInvariant()}@test.example";
        return await app.InTenantAsync(tenantId, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var users = services.GetRequiredService<UserManager<User>>();
            var user = new User { Email = email, NormalizedEmail = users.NormalizeEmail(email), DisplayName = email.Split('@')[0], HomeTenantId = tenantId, CreatedAt = DateTimeOffset.UtcNow };
            user.PasswordHash = users.PasswordHasher.HashPassword(user, TenantraTestApp.Password);
            var membership = new Membership { TenantId = tenantId, UserId = user.Id, Role = role, CustomerScope = scope, CreatedAt = user.CreatedAt };
            membership.Customers.AddRange(customers.Select(c => new MembershipCustomer { MembershipId = membership.Id, CustomerTenantId = c }));
            db.Users.Add(user);
            db.Memberships.Add(membership);
            await db.SaveChangesAsync();
            return new TestUser(user.Id, email, tenantId, role, membership.Id);
        });
    }

    /// <summary>A customer tenant (under <paramref name="parentId"/>, else the platform) and a signed-in admin of it.</summary>
    public async Task<(Guid Tenant, HttpClient Admin)> TenantWithAdminAsync(Guid? parentId = null, string? name = null)
    {
        var tenant = await TenantAsync(TenantKind.Customer, parentId, name);
        var admin = await UserAsync(tenant, Role.Admin);
        return (tenant, await app.SignInAsync(admin.Email));
    }

    /// <summary>An API token of <paramref name="user"/> in <paramref name="tenantId"/> with the given scopes (all the user's by default).</summary>
    public async Task<string> TokenAsync(TestUser user, Guid tenantId, IEnumerable<Permission>? scopes = null, DateTimeOffset? expiresAt = null)
    {
        var secret = SecretTokens.New(ApiTokenAuthenticationHandler.TokenPrefix);
        await app.InTenantAsync(tenantId, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            db.ApiTokens.Add(new ApiToken
            {
                TenantId = tenantId,
                UserId = user.Id,
                Name = "test token",
                Prefix = secret[..10],
                SecretHash = SecretTokens.Hash(secret),
                Scopes = [.. (scopes ?? Enum.GetValues<Permission>()).Select(Permissions.ScopeName)],
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = expiresAt ?? DateTimeOffset.UtcNow.AddDays(1),
            });
            return await db.SaveChangesAsync();
        });
        return secret;
    }
}

public sealed record TestUser(Guid Id, string Email, Guid TenantId, Role Role, Guid MembershipId);
