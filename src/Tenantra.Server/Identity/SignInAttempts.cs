using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenantra.Core.Identity;
using Tenantra.Data;

namespace Tenantra.Server.Identity;

/// <summary>
/// Lockout that holds under concurrency: an attempt is counted in the database (atomic increment)
/// before the password or code is checked, so however many guesses arrive at once, at most
/// <c>MaxFailedAccessAttempts</c> are ever checked before the account locks. A success clears the count.
/// </summary>
public sealed class SignInAttempts(TenantraDbContext db, IOptions<IdentityOptions> identity, TimeProvider clock)
{
    private LockoutOptions Lockout => identity.Value.Lockout;

    /// <summary>False when the account is locked (or this attempt is one too many and locks it): do not check the secret.</summary>
    public async Task<bool> TryBeginAsync(User user)
    {
        var now = clock.GetUtcNow();
        var lockoutEnd = await db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync();
        if (lockoutEnd > now)
        {
            return false;
        }

        if (lockoutEnd is not null)
        {
            // A lockout that has run out starts a fresh count (once, however many requests see it expire).
            await db.Users.Where(u => u.Id == user.Id && u.LockoutEnd <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null).SetProperty(u => u.AccessFailedCount, 0));
        }

        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1));
        var attempts = await db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync();
        if (attempts > Lockout.MaxFailedAccessAttempts)
        {
            await LockAsync(user.Id, now);
            return false;
        }

        return true;
    }

    /// <summary>Records that the attempt begun failed; returns true when the account is now locked.</summary>
    public async Task<bool> FailedAsync(User user)
    {
        var attempts = await db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync();
        if (attempts < Lockout.MaxFailedAccessAttempts)
        {
            return false;
        }

        await LockAsync(user.Id, clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// A password check inside a session (changing the password, turning off the second factor) that
    /// counts towards lockout like a sign-in: null when the account is locked, else whether it matched.
    /// </summary>
    public async Task<bool?> CheckPasswordAsync(UserManager<User> users, User user, string password)
    {
        if (!await TryBeginAsync(user))
        {
            return null;
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            await SucceededAsync(user);
            return true;
        }

        await FailedAsync(user);
        return false;
    }

    public Task<int> SucceededAsync(User user) =>
        db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0).SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null));

    // The count stays as it is: attempts already in flight keep counting past the limit and are refused.
    private Task<int> LockAsync(Guid userId, DateTimeOffset now) =>
        db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, now + Lockout.DefaultLockoutTimeSpan));
}
