using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Identity;

public sealed record SignInRequest(string? Email, string? Password) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("email", Email, 254);
        errors.Required("password", Password, 1024);
    }
}

public sealed record TwoFactorSignInRequest(string? Code, string? RecoveryCode) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Code) == string.IsNullOrWhiteSpace(RecoveryCode))
        {
            errors.Add("code", "Give either a code from the authenticator app or a recovery code.");
        }

        errors.MaxLength("code", Code, 10);
        errors.MaxLength("recoveryCode", RecoveryCode, 32);
    }
}

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("currentPassword", CurrentPassword, 1024);
        errors.Required("newPassword", NewPassword, 1024);
    }
}

public sealed record ResetPasswordRequest(string? Email, string? Token, string? NewPassword) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Email("email", Email);
        errors.Required("token", Token, 2048);
        errors.Required("newPassword", NewPassword, 1024);
    }
}

public sealed record TwoFactorCodeRequest(string? Code) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("code", Code, 10);
}

public sealed record PasswordConfirmationRequest(string? Password) : IValidatedRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("password", Password, 1024);
}

public sealed record SignInResponse(string Status, MeResponse? User);

public sealed record MeResponse(Guid Id, string Email, string DisplayName, bool TwoFactorEnabled, bool IsPlatformAdmin, IReadOnlyList<MembershipSummary> Memberships);

public sealed record MembershipSummary(Guid MembershipId, Guid TenantId, string TenantName, TenantKind TenantKind, Role Role, CustomerScope CustomerScope);

public sealed record AntiforgeryResponse(string Token, string HeaderName);

public sealed record TwoFactorEnrollmentResponse(string Secret, string OtpAuthUri);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);
