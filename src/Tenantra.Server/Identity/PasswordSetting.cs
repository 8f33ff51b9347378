using Microsoft.AspNetCore.Identity;
using Tenantra.Core.Identity;

namespace Tenantra.Server.Identity;

public static class PasswordSetting
{
    /// <summary>
    /// Checks <paramref name="password"/> against the password rules and, when it passes, stores its
    /// hash on a user that is not saved yet (creation paths; existing users go through UserManager).
    /// </summary>
    public static async Task<IdentityResult> TrySetNewPasswordAsync(this UserManager<User> users, User user, string password)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, password);
            if (!check.Succeeded)
            {
                return check;
            }
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        return IdentityResult.Success;
    }
}
