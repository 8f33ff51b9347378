using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Identity;

/// <summary>Sign-in attempts per client and API calls per caller are limited; refusals are 429 problems with Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task The_fourth_sign_in_attempt_in_a_minute_is_429_with_retry_after_when_the_limit_is_three()
    {
        await using var app = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { ["Tenantra:RateLimits:SignInPerMinute"] = "3" });
        var user = await new TestData(app).UserAsync(await new TestData(app).TenantAsync(TenantKind.Customer), Role.Viewer);
        var client = app.CreateClient();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = $"wrong password {attempt}" }).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = TenantraTestApp.Password });

        var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        AssertRetryAfter(response);
        await client.GetAsync("/api/v1/auth/me").ProblemAsync(HttpStatusCode.Unauthorized);
        // The refused attempt was not counted against the account.
        Assert.Equal(3, await app.InPlatformAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync()));
    }

    [Fact]
    public async Task A_token_client_hammering_the_api_gets_429_with_retry_after_and_other_callers_are_unaffected()
    {
        await using var app = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { ["Tenantra:RateLimits:RequestsPerMinute"] = "5" });
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer);
        var hammering = app.CreateTokenClient(await data.TokenAsync(await data.UserAsync(tenant, Role.Viewer), tenant));
        var bystander = app.CreateTokenClient(await data.TokenAsync(await data.UserAsync(tenant, Role.Viewer), tenant));

        HttpResponseMessage? refused = null;
        var allowed = 0;
        for (var request = 0; request < 30 && refused is null; request++)
        {
            var response = await hammering.GetAsync("/api/v1/auth/me");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                await response.ReadAsync(HttpStatusCode.OK);
                allowed++;
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(allowed, 5, 10);
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        AssertRetryAfter(refused);
        await bystander.GetAsync("/api/v1/auth/me").ReadAsync(HttpStatusCode.OK);
    }

    private static void AssertRetryAfter(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), "no Retry-After header");
        var value = Assert.Single(values);
        Assert.True(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds), $"Retry-After '{value}' is not integer seconds");
        Assert.True(seconds >= 1, $"Retry-After {seconds}");
    }
}
