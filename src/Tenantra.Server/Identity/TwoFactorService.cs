using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Security;
using Tenantra.Data;

namespace Tenantra.Server.Identity;

/// <summary>
/// TOTP second factor: enrolment, verification that never accepts the same time step twice,
/// and one-time recovery codes stored hashed. The TOTP secret is encrypted at rest.
/// </summary>
public sealed class TwoFactorService(TenantraDbContext db, UserManager<User> users, SecretProtector protector, TimeProvider clock)
{
    public const string Issuer = "Tenantra";
    public const int RecoveryCodeCount = 10;
    private const string Purpose = "totp-secret";

    public sealed record Enrollment(string Secret, string OtpAuthUri);

    /// <summary>
    /// Creates a new, not yet active secret; <see cref="EnableAsync"/> activates it with a first code.
    /// Returns null while a second factor is active: it is replaced only after disabling it with the password.
    /// </summary>
    public async Task<Enrollment?> BeginEnrollmentAsync(User user)
    {
        if (user.TwoFactorEnabled)
        {
            return null;
        }

        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(20);
        user.AuthenticatorKeyProtected = protector.Protect(Base32.Encode(key), Purpose);
        await users.UpdateAsync(user);
        return new Enrollment(Base32.Encode(key), Totp.BuildOtpAuthUri(Issuer, user.Email, key));
    }

    /// <summary>Activates the enrolled, not yet active secret when <paramref name="code"/> is valid; returns fresh recovery codes, or null.</summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(User user, string code)
    {
        if (user.TwoFactorEnabled || user.AuthenticatorKeyProtected is null || !await VerifyTotpAsync(user, code))
        {
            return null;
        }

        user.TwoFactorEnabled = true;
        await users.UpdateAsync(user);
        return await RegenerateRecoveryCodesAsync(user);
    }

    /// <summary>Turns the second factor off and changes the security stamp, which ends the user's other sessions.</summary>
    public async Task DisableAsync(User user)
    {
        user.TwoFactorEnabled = false;
        user.AuthenticatorKeyProtected = null;
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync();
        await users.UpdateSecurityStampAsync(user);
    }

    /// <summary>Accepts a code only for a time step later than the last one accepted; concurrent reuse loses on the concurrency stamp.</summary>
    public async Task<bool> VerifyTotpAsync(User user, string code)
    {
        if (user.AuthenticatorKeyProtected is null)
        {
            return false;
        }

        var key = Base32.Decode(protector.Unprotect(user.AuthenticatorKeyProtected, Purpose));
        var step = Totp.Verify(key, code, clock.GetUtcNow(), user.LastTotpTimeStep);
        if (step is null)
        {
            return false;
        }

        user.LastTotpTimeStep = step.Value;
        return (await users.UpdateAsync(user)).Succeeded;
    }

    public async Task<bool> RedeemRecoveryCodeAsync(User user, string code)
    {
        var hash = SecretTokens.Hash(code.Trim().ToLowerInvariant());
        var now = clock.GetUtcNow();
        var spent = await db.RecoveryCodes
            .Where(r => r.UserId == user.Id && r.CodeHash == hash && r.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now));
        return spent == 1;
    }

    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(User user)
    {
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync();
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => SecretTokens.RecoveryCode()).ToList();
        db.RecoveryCodes.AddRange(codes.Select(c => new RecoveryCode { UserId = user.Id, CodeHash = SecretTokens.Hash(c) }));
        await db.SaveChangesAsync();
        return codes;
    }
}
