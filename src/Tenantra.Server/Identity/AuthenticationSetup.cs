using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Data;

namespace Tenantra.Server.Identity;

/// <summary>
/// Session cookies for the console, bearer API tokens for integrations, a short-lived cookie for
/// the step between password and second factor, and antiforgery on cookie-authenticated writes.
/// </summary>
public static class AuthenticationSetup
{
    public const string SessionScheme = "tenantra.session";
    public const string TwoFactorScheme = "tenantra.2fa";
    public const string DefaultScheme = "tenantra";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA512, the algorithm of Identity's v3 hash format.</summary>
    public const int PasswordIterations = 210_000;

    public static IServiceCollection AddTenantraIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<Caller>();
        services.AddScoped<TwoFactorService>();
        services.AddSingleton<ApiTokenUsage>();
        services.AddScoped<SignInAttempts>();
        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = configuration.GetValue("Tenantra:Identity:PasswordIterations", PasswordIterations);
        });
        services.AddIdentityCore<User>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = "";
            })
            .AddUserStore<UserStore>()
            .AddDefaultTokenProviders();
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(24));

        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "Session cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : SessionScheme)
            .AddCookie(SessionScheme, o =>
            {
                o.Cookie.Name = "tenantra_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnRedirectToLogin = c => Status(c, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = c => Status(c, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = ValidateSessionAsync,
                };
            })
            .AddCookie(TwoFactorScheme, o =>
            {
                o.Cookie.Name = "tenantra_2fa";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "tenantra_xsrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static ClaimsPrincipal SessionPrincipal(User user, string method) => new(new ClaimsIdentity(
        [
            new Claim(TenantraClaims.UserId, user.Id.ToString()),
            new Claim(TenantraClaims.Email, user.Email),
            new Claim(TenantraClaims.SecurityStamp, user.SecurityStamp),
            new Claim(TenantraClaims.AuthenticationMethod, method),
        ],
        SessionScheme));

    /// <summary>
    /// Ends a session as soon as its user is disabled or their security stamp changes (password
    /// change or reset, second factor turned off), on every request.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var userId = Guid.TryParse(context.Principal?.FindFirstValue(TenantraClaims.UserId), out var id) ? id : Guid.Empty;
        var db = context.HttpContext.RequestServices.GetRequiredService<TenantraDbContext>();
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.SecurityStamp, u.Disabled }).SingleOrDefaultAsync();
        if (current is null || current.Disabled || current.SecurityStamp != context.Principal!.FindFirstValue(TenantraClaims.SecurityStamp))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionScheme);
        }
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Refuses cookie-authenticated state-changing API requests without a valid antiforgery token.</summary>
    public static IApplicationBuilder UseSessionAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        var unsafeMethod = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        if (unsafeMethod && context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionScheme })
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = 400,
                        Title = "Antiforgery token missing or invalid.",
                        Detail = $"Send the token from GET /api/v1/auth/antiforgery in the {AntiforgeryHeader} header.",
                    },
                });
                return;
            }
        }

        await next(context);
    });
}
