using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Identity;

/// <summary>Sign-in with password and TOTP, the session, the caller's own password and second factor.</summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/v1/auth").WithTags("Authentication");

        auth.MapPost("/sign-in", SignIn).AllowAnonymous().RequireRateLimiting(RateLimiting.SignInPolicy).Validates<SignInRequest>()
            .WithName("SignIn").WithSummary("Sign in with email and password")
            .WithDescription("Starts a console session (HttpOnly cookie). When the user has a second factor, the status is `two-factor-required` and the session starts after `/auth/sign-in/two-factor`. Five failures lock the account for 15 minutes.");
        auth.MapPost("/sign-in/two-factor", SignInTwoFactor).AllowAnonymous().RequireRateLimiting(RateLimiting.SignInPolicy).Validates<TwoFactorSignInRequest>()
            .WithName("SignInTwoFactor").WithSummary("Complete sign-in with a TOTP or recovery code")
            .WithDescription("A TOTP code is accepted once: a code for a time step already used is refused. Recovery codes are spent on use.");
        auth.MapPost("/sign-out", SignOut).RequireAuthorization()
            .WithName("SignOut").WithSummary("End the console session");
        auth.MapGet("/me", Me).RequireAuthorization()
            .WithName("GetMe").WithSummary("The signed-in user with memberships")
            .WithDescription("Also works for API tokens: the token owner's identity and memberships.");
        auth.MapGet("/antiforgery", Antiforgery).AllowAnonymous()
            .WithName("GetAntiforgeryToken").WithSummary("Antiforgery token for cookie sessions")
            .WithDescription("Every state-changing request authenticated by the session cookie must send this token in the `X-XSRF-TOKEN` header. Fetch it again after signing in.");
        auth.MapPost("/password", ChangePassword).RequireAuthorization().RequireSession().Validates<ChangePasswordRequest>()
            .WithName("ChangePassword").WithSummary("Change the caller's password")
            .WithDescription("Other sessions of the user end: the security stamp changes.");
        auth.MapPost("/password-reset", ResetPassword).AllowAnonymous().RequireRateLimiting(RateLimiting.SignInPolicy).Validates<ResetPasswordRequest>()
            .WithName("ResetPassword").WithSummary("Set a new password with a reset token")
            .WithDescription("Reset tokens are issued by an administrator (`POST /tenants/{tenantId}/users/{userId}/password-reset`) and expire after 24 hours or at first use.");

        var twoFactor = auth.MapGroup("/two-factor").RequireAuthorization().RequireSession();
        twoFactor.MapPost("/enrollment", BeginEnrollment)
            .WithName("BeginTwoFactorEnrollment").WithSummary("Start TOTP enrolment")
            .WithDescription("Returns a new secret and an otpauth:// URI for a QR code. Not active until confirmed with a code. Refused (409) while a second factor is active: disable it with the password first.");
        twoFactor.MapPost("/enable", Enable).Validates<TwoFactorCodeRequest>()
            .WithName("EnableTwoFactor").WithSummary("Confirm TOTP enrolment")
            .WithDescription("Activates the second factor and returns ten recovery codes, shown once.");
        twoFactor.MapPost("/disable", Disable).Validates<PasswordConfirmationRequest>()
            .WithName("DisableTwoFactor").WithSummary("Turn off the second factor (password required)");
        twoFactor.MapPost("/recovery-codes", RegenerateRecoveryCodes).Validates<PasswordConfirmationRequest>()
            .WithName("RegenerateRecoveryCodes").WithSummary("Replace the recovery codes (password required)");
    }

    private static async Task<Results<Ok<SignInResponse>, ProblemHttpResult, ValidationProblem>> SignIn(
        SignInRequest request, HttpContext http, UserManager<User> users, SignInAttempts attempts, AuditWriter audit, TenantraDbContext db, TenantraMetrics metrics)
    {
        var user = await users.FindByEmailAsync(request.Email!);
        if (user is null || user.Disabled)
        {
            // Same work as a real check, so response time does not reveal which emails exist or are disabled.
            DummyHash.Verify(users.PasswordHasher, request.Password!);
            return await RefuseAsync(user?.HomeTenantId ?? Tenant.PlatformId, user, "sign-in.failed", "Email or password is incorrect.", "failure");
        }

        if (!await attempts.TryBeginAsync(user))
        {
            DummyHash.Verify(users.PasswordHasher, request.Password!);
            return await RefuseAsync(user.HomeTenantId, user, "sign-in.locked-out", "The account is locked after repeated failures. Try again later.", "locked_out");
        }

        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            var locked = await attempts.FailedAsync(user);
            return await RefuseAsync(user.HomeTenantId, user, locked ? "sign-in.locked-out" : "sign-in.failed", "Email or password is incorrect.", locked ? "locked_out" : "failure");
        }

        await attempts.SucceededAsync(user);
        if (user.TwoFactorEnabled)
        {
            await http.SignInAsync(AuthenticationSetup.TwoFactorScheme, new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(TenantraClaims.UserId, user.Id.ToString()), new Claim(TenantraClaims.SecurityStamp, user.SecurityStamp)],
                AuthenticationSetup.TwoFactorScheme)));
            await audit.WriteAsync(user.HomeTenantId, new AuditEvent("sign-in.password-accepted", "user", user.Id) { ActorUserId = user.Id, ActorName = user.Email });
            metrics.SignIns.WithLabels("two_factor_required").Inc();
            return TypedResults.Ok(new SignInResponse("two-factor-required", null));
        }

        return TypedResults.Ok(await CompleteSignInAsync(http, user, users, audit, db, metrics, "pwd"));

        async Task<ProblemHttpResult> RefuseAsync(Guid tenantId, User? who, string action, string detail, string outcome)
        {
            await audit.WriteAsync(tenantId, new AuditEvent(action, "user", who?.Id) { Outcome = AuditOutcome.Failure, ActorUserId = who?.Id, ActorName = request.Email });
            metrics.SignIns.WithLabels(outcome).Inc();
            return Problems.Unauthorized(detail);
        }
    }

    private static async Task<Results<Ok<SignInResponse>, ProblemHttpResult, ValidationProblem>> SignInTwoFactor(
        TwoFactorSignInRequest request, HttpContext http, UserManager<User> users, SignInAttempts attempts, TwoFactorService twoFactor, AuditWriter audit, TenantraDbContext db, TenantraMetrics metrics)
    {
        var pending = await http.AuthenticateAsync(AuthenticationSetup.TwoFactorScheme);
        var userId = pending.Principal?.FindFirstValue(TenantraClaims.UserId);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null || user.Disabled || user.SecurityStamp != pending.Principal!.FindFirstValue(TenantraClaims.SecurityStamp))
        {
            return Problems.Unauthorized("Sign in with your password first; the two-factor step expires after 5 minutes.");
        }

        if (!await attempts.TryBeginAsync(user))
        {
            metrics.SignIns.WithLabels("locked_out").Inc();
            return Problems.Unauthorized("The account is locked after repeated failures. Try again later.");
        }

        var usedRecovery = !string.IsNullOrWhiteSpace(request.RecoveryCode);
        var accepted = usedRecovery
            ? await twoFactor.RedeemRecoveryCodeAsync(user, request.RecoveryCode!)
            : await twoFactor.VerifyTotpAsync(user, request.Code!);
        if (!accepted)
        {
            await attempts.FailedAsync(user);
            await audit.WriteAsync(user.HomeTenantId, new AuditEvent("sign-in.two-factor-failed", "user", user.Id) { Outcome = AuditOutcome.Failure, ActorUserId = user.Id, ActorName = user.Email });
            metrics.SignIns.WithLabels("failure").Inc();
            return Problems.Validation(new Dictionary<string, string[]> { [usedRecovery ? "recoveryCode" : "code"] = ["The code is not valid, or was already used."] });
        }

        await attempts.SucceededAsync(user);
        await http.SignOutAsync(AuthenticationSetup.TwoFactorScheme);
        return TypedResults.Ok(await CompleteSignInAsync(http, user, users, audit, db, metrics, usedRecovery ? "recovery" : "mfa"));
    }

    private static async Task<SignInResponse> CompleteSignInAsync(HttpContext http, User user, UserManager<User> users, AuditWriter audit, TenantraDbContext db, TenantraMetrics metrics, string method)
    {
        user.LastSignInAt = DateTimeOffset.UtcNow;
        await users.UpdateAsync(user);
        await http.SignInAsync(AuthenticationSetup.SessionScheme, AuthenticationSetup.SessionPrincipal(user, method));
        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("sign-in.succeeded", "user", user.Id) { ActorUserId = user.Id, ActorName = user.Email });
        metrics.SignIns.WithLabels("success").Inc();
        return new SignInResponse("signed-in", await DescribeAsync(user, db));
    }

    private static async Task<NoContent> SignOut(HttpContext http, Caller caller, AuditWriter audit, TenantraDbContext db)
    {
        var home = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.HomeTenantId).SingleAsync();
        await http.SignOutAsync(AuthenticationSetup.SessionScheme);
        await audit.WriteAsync(home, new AuditEvent("sign-out", "user", caller.UserId));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MeResponse>> Me(Caller caller, TenantraDbContext db)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == caller.UserId);
        return TypedResults.Ok(await DescribeAsync(user, db, caller.TokenTenantId));
    }

    internal static async Task<MeResponse> DescribeAsync(User user, TenantraDbContext db, Guid? onlyTenant = null)
    {
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && (onlyTenant == null || m.TenantId == onlyTenant))
            .Join(db.Tenants.Where(t => t.Status != TenantStatus.Purged), m => m.TenantId, t => t.Id,
                (m, t) => new MembershipSummary(m.Id, t.Id, t.Name, t.Kind, m.Role, m.CustomerScope))
            .ToListAsync();
        var isPlatformAdmin = memberships.Any(m => m.TenantKind == TenantKind.Platform && m.Role == Role.Admin);
        return new MeResponse(user.Id, user.Email, user.DisplayName, user.TwoFactorEnabled, isPlatformAdmin,
            [.. memberships.OrderBy(m => m.TenantKind).ThenBy(m => m.TenantName, StringComparer.OrdinalIgnoreCase)]);
    }

    private static Ok<AntiforgeryResponse> Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new AntiforgeryResponse(tokens.RequestToken!, AuthenticationSetup.AntiforgeryHeader));
    }

    private static async Task<Results<NoContent, ValidationProblem>> ChangePassword(
        ChangePasswordRequest request, HttpContext http, Caller caller, UserManager<User> users, SignInAttempts attempts, AuditWriter audit)
    {
        var user = await users.FindByIdAsync(caller.UserId.ToString());
        if (await ConfirmPasswordAsync(attempts, users, user!, request.CurrentPassword!, "currentPassword") is { } refused)
        {
            return refused;
        }

        var result = await users.ChangePasswordAsync(user!, request.CurrentPassword!, request.NewPassword!);
        if (!result.Succeeded)
        {
            return PasswordProblems.From(result, "newPassword");
        }

        await audit.WriteAsync(user!.HomeTenantId, new AuditEvent("user.password-changed", "user", user.Id));
        await http.SignInAsync(AuthenticationSetup.SessionScheme, AuthenticationSetup.SessionPrincipal(user, "pwd"));

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem>> ResetPassword(ResetPasswordRequest request, UserManager<User> users, SignInAttempts attempts, AuditWriter audit)
    {
        var user = await users.FindByEmailAsync(request.Email!);
        if (user is null || user.Disabled)
        {
            return Problems.Field("token", "The reset token is not valid or has expired.");
        }

        var result = await users.ResetPasswordAsync(user, request.Token!, request.NewPassword!);
        if (!result.Succeeded)
        {
            return PasswordProblems.From(result, "newPassword");
        }

        await attempts.SucceededAsync(user); // proving control of the account lifts a lockout
        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("user.password-reset", "user", user.Id) { ActorUserId = user.Id, ActorName = user.Email });
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TwoFactorEnrollmentResponse>, ProblemHttpResult>> BeginEnrollment(Caller caller, UserManager<User> users, TwoFactorService twoFactor, AuditWriter audit)
    {
        var user = (await users.FindByIdAsync(caller.UserId.ToString()))!;
        if (await twoFactor.BeginEnrollmentAsync(user) is not { } enrollment)
        {
            return Problems.Conflict("A second factor is active. Disable it with your password before enrolling a new one.");
        }

        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("user.two-factor-enrollment-started", "user", user.Id));
        return TypedResults.Ok(new TwoFactorEnrollmentResponse(enrollment.Secret, enrollment.OtpAuthUri));
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem>> Enable(
        TwoFactorCodeRequest request, Caller caller, UserManager<User> users, TwoFactorService twoFactor, AuditWriter audit)
    {
        var user = (await users.FindByIdAsync(caller.UserId.ToString()))!;
        var codes = await twoFactor.EnableAsync(user, request.Code!);
        if (codes is null)
        {
            return Problems.Field("code", "The code does not match the enrolled secret. Start enrolment first, then enter a current code.");
        }

        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("user.two-factor-enabled", "user", user.Id));
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    private static async Task<Results<NoContent, ValidationProblem>> Disable(
        PasswordConfirmationRequest request, HttpContext http, Caller caller, UserManager<User> users, SignInAttempts attempts, TwoFactorService twoFactor, AuditWriter audit)
    {
        var user = (await users.FindByIdAsync(caller.UserId.ToString()))!;
        if (await ConfirmPasswordAsync(attempts, users, user, request.Password!, "password") is { } refused)
        {
            return refused;
        }

        await twoFactor.DisableAsync(user);
        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("user.two-factor-disabled", "user", user.Id));
        await http.SignInAsync(AuthenticationSetup.SessionScheme, AuthenticationSetup.SessionPrincipal(user, "pwd"));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem>> RegenerateRecoveryCodes(
        PasswordConfirmationRequest request, Caller caller, UserManager<User> users, SignInAttempts attempts, TwoFactorService twoFactor, AuditWriter audit)
    {
        var user = (await users.FindByIdAsync(caller.UserId.ToString()))!;
        if (!user.TwoFactorEnabled)
        {
            return Problems.Field("password", "Enable the second factor first.");
        }

        if (await ConfirmPasswordAsync(attempts, users, user, request.Password!, "password") is { } refused)
        {
            return refused;
        }

        var codes = await twoFactor.RegenerateRecoveryCodesAsync(user);
        await audit.WriteAsync(user.HomeTenantId, new AuditEvent("user.recovery-codes-regenerated", "user", user.Id));
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    /// <summary>Checks the caller's own password, counting failures towards lockout; a problem to return, or null when it matched.</summary>
    private static async Task<ValidationProblem?> ConfirmPasswordAsync(SignInAttempts attempts, UserManager<User> users, User user, string password, string field) =>
        await attempts.CheckPasswordAsync(users, user, password) switch
        {
            true => null,
            false => Problems.Field(field, "The password is incorrect."),
            null => Problems.Field(field, "Too many wrong passwords: the account is locked for a while."),
        };

    private static class DummyHash
    {
        private static readonly User s_nobody = new() { Email = "", NormalizedEmail = "", DisplayName = "" };
        private static string? s_hash;

        public static void Verify(IPasswordHasher<User> hasher, string password)
        {
            s_hash ??= hasher.HashPassword(s_nobody, "not-a-real-password");
            hasher.VerifyHashedPassword(s_nobody, s_hash, password);
        }
    }
}

/// <summary>Identity's password errors as field-level validation problems.</summary>
internal static class PasswordProblems
{
    public static ValidationProblem From(IdentityResult result, string field) =>
        Problems.Validation(new Dictionary<string, string[]>
        {
            [FieldOf(result.Errors.First().Code, field)] = [.. result.Errors.Select(e => e.Description)],
        });

    private static string FieldOf(string code, string passwordField) => code switch
    {
        "PasswordMismatch" => "currentPassword",
        "InvalidToken" => "token",
        _ => passwordField,
    };
}
