using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tenantra.Core.Identity;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>The live /metrics of a running app: promtool accepts it, and domain counters follow what happened.</summary>
public sealed partial class MetricsEndpointTests : IAsyncLifetime
{
    private TenantraTestApp _app = null!;

    public async Task InitializeAsync() => _app = await TenantraTestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_scrape_after_real_traffic_passes_promtool_and_counts_sign_ins_and_audit_records()
    {
        var admin = await new TestData(_app).UserAsync(_app.PlatformTenantId, Role.Admin);
        var anonymous = _app.CreateClient();
        var before = await ScrapeAsync(anonymous);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = admin.Email, password = "wrong password here" })).StatusCode);
        var client = await _app.SignInAsync(admin.Email);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/msps", new { name = "Metrics MSP" })).StatusCode);
        var after = await ScrapeAsync(anonymous);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(after);
        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n{after}");
        Assert.Equal(1, Value(after, "tenantra_sign_ins_total{outcome=\"success\"}") - Value(before, "tenantra_sign_ins_total{outcome=\"success\"}"));
        Assert.Equal(1, Value(after, "tenantra_sign_ins_total{outcome=\"failure\"}") - Value(before, "tenantra_sign_ins_total{outcome=\"failure\"}"));
        // Sign-in failure, sign-in success, MSP created: three records.
        Assert.Equal(3, Value(after, "tenantra_audit_records_written_total") - Value(before, "tenantra_audit_records_written_total"));
        Assert.Contains("tenantra_http_requests_total{method=\"POST\",route=\"/api/v1/msps/\",status=\"201\"} 1", after, StringComparison.Ordinal);
        Assert.DoesNotMatch(GuidPattern(), after);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
