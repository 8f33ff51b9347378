using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.Platform;

/// <summary>
/// Rate limits: sign-in attempts per client address, and all API calls per caller (user or
/// token; per address when anonymous). Refusals are 429 problem details with Retry-After.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Tenantra:RateLimits";

    public int SignInPerMinute { get; set; } = 20;

    public int RequestsPerMinute { get; set; } = 1200;
}

public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddTenantraRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var caller = context.User.FindFirst(TenantraClaims.TokenId)?.Value is { } token
                    ? "token:" + token
                    : context.User.FindFirst(TenantraClaims.UserId)?.Value is { } user ? "user:" + user : "ip:" + ClientAddress(context);
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RequestsPerMinute,
                    TokensPerPeriod = Math.Max(1, options.RequestsPerMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "global";
                context.RequestServices.GetRequiredService<TenantraMetrics>().RateLimitRejections.WithLabels(policy).Inc();
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = $"Retry after {retryAfter} seconds." },
                });
            };
        });
        return services;
    }

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
