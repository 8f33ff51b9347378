using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Server.Identity;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>PBKDF2 strength, the stored hash format, and upgrading old hashes at sign-in.</summary>
public sealed class PasswordHashingTests
{
    private const string IterationsKey = "Tenantra:Identity:PasswordIterations";

    /// <summary>Identity v3 format marker and its PRF id for HMAC-SHA512.</summary>
    private const byte V3Marker = 0x01;
    private const uint HmacSha512 = 2;

    [Fact]
    public void Default_configuration_hashes_with_at_least_the_owasp_pbkdf2_sha512_iteration_count()
    {
        using var services = new ServiceCollection()
            .AddTenantraIdentity(new ConfigurationBuilder().Build())
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value;

        Assert.True(AuthenticationSetup.PasswordIterations >= 210_000);
        Assert.Equal(AuthenticationSetup.PasswordIterations, options.IterationCount);
        Assert.Equal(PasswordHasherCompatibilityMode.IdentityV3, options.CompatibilityMode);
        var hasher = services.GetRequiredService<IPasswordHasher<User>>();
        var user = new User { Email = "a@test.example", NormalizedEmail = "A@TEST.EXAMPLE", DisplayName = "a" };
        var hash = hasher.HashPassword(user, "a long enough password");
        Assert.True(IterationsOf(hash) >= 210_000, $"hash encodes {IterationsOf(hash)} iterations");
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(user, hash, "a long enough password"));
    }

    [Fact]
    public async Task Stored_hash_is_identity_v3_with_the_configured_iteration_count()
    {
        await using var app = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { [IterationsKey] = "1500" });
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer);
        var admin = await data.UserAsync(tenant, Role.Admin);
        var client = await app.SignInAsync(admin.Email);

        var created = await client.PostAsJsonAsync($"/api/v1/tenants/{tenant}/users",
            new { email = "hashed@test.example", displayName = "Hashed", role = "viewer", password = "a long enough password" }).ReadAsync(HttpStatusCode.Created);

        var userId = created.GetProperty("user").GetProperty("id").GetGuid();
        var hash = await PasswordHashAsync(app, userId);
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(V3Marker, bytes[0]);
        Assert.Equal(HmacSha512, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)));
        Assert.Equal(1500u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)));
        var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9, 4));
        Assert.True(saltLength >= 16, $"salt of {saltLength} bytes");
        Assert.Equal(13 + saltLength + 32, bytes.Length);
        Assert.DoesNotContain("a long enough password", hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_rehashes_a_password_stored_with_fewer_iterations_than_configured()
    {
        await using var first = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { [IterationsKey] = "1000" });
        var tenant = await new TestData(first).TenantAsync(TenantKind.Customer);
        var user = await new TestData(first).UserAsync(tenant, Role.Viewer);
        Assert.Equal(1000, IterationsOf(await PasswordHashAsync(first, user.Id)));

        // A second app on the same database, configured with more iterations (as after an upgrade).
        var sameDatabase = first.Database.Settings();
        sameDatabase[IterationsKey] = "2000";
        await using var second = await TenantraTestApp.StartAsync(sameDatabase);

        var client = await second.SignInAsync(user.Email);

        await client.GetAsync("/api/v1/auth/me").ReadAsync(HttpStatusCode.OK);
        var rehashed = await PasswordHashAsync(second, user.Id);
        Assert.Equal(2000, IterationsOf(rehashed));
        await second.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = TenantraTestApp.Password }).ReadAsync(HttpStatusCode.OK);
    }

    private static Task<string> PasswordHashAsync(TenantraTestApp app, Guid userId) =>
        app.InPlatformAsync(async db => (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).PasswordHash!);

    private static int IterationsOf(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(V3Marker, bytes[0]);
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4));
    }
}
