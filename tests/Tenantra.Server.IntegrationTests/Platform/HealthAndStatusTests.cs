using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>Health endpoints, the system status page, Prometheus metrics and feature flags per tenant and role.</summary>
public sealed partial class HealthAndStatusTests(HealthAndStatusFixture fixture) : IClassFixture<HealthAndStatusFixture>
{
    [Fact]
    public async Task Liveness_answers_200()
    {
        using var anonymous = fixture.App.CreateClient();

        var response = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_is_healthy_on_a_migrated_database()
    {
        using var anonymous = fixture.App.CreateClient();

        var response = await anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task System_status_reports_version_engine_and_migrations_to_platform_admins()
    {
        var status = await ResponseAssert.ReadAsync(await fixture.PlatformAdmin.GetAsync("/api/v1/system/status"), HttpStatusCode.OK);

        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("version").GetString()));
        Assert.Equal(TestDatabase.UsePostgres ? "PostgreSQL" : "SQLite", status.GetProperty("databaseEngine").GetString());
        Assert.Contains("202611220001_Foundation", status.GetProperty("appliedMigrations").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0, status.GetProperty("pendingMigrations").GetArrayLength());
    }

    [Fact]
    public async Task System_status_is_forbidden_to_a_customer_admin()
    {
        var customerAdmin = await fixture.App.SignInAsync(fixture.CustomerAdmin.Email);

        await ResponseAssert.ProblemAsync(await customerAdmin.GetAsync("/api/v1/system/status"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_template_and_never_by_raw_path()
    {
        using var anonymous = fixture.App.CreateClient();
        await ResponseAssert.ReadAsync(await fixture.PlatformAdmin.GetAsync("/api/v1/msps"), HttpStatusCode.OK);
        await ResponseAssert.ReadAsync(await fixture.PlatformAdmin.GetAsync("/api/v1/msps?q=x"), HttpStatusCode.OK);
        await ResponseAssert.ReadAsync(await fixture.PlatformAdmin.GetAsync($"/api/v1/tenants/{fixture.CustomerId}"), HttpStatusCode.OK);
        await ResponseAssert.ProblemAsync(await anonymous.GetAsync($"/api/v1/tenants/{fixture.CustomerId}/users"), HttpStatusCode.Unauthorized);
        await ResponseAssert.ProblemAsync(await anonymous.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}/no-such-thing"), HttpStatusCode.NotFound);

        var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var lines = text.Split('\n');
        Assert.True(CounterValue(lines, "tenantra_http_requests_total{method=\"GET\",route=\"/api/v1/msps/\",status=\"200\"}") >= 2, text);
        Assert.True(CounterValue(lines, "tenantra_http_requests_total{method=\"GET\",route=\"/api/v1/tenants/{tenantId:guid}/\",status=\"200\"}") >= 1, text);
        Assert.True(CounterValue(lines, "tenantra_http_requests_total{method=\"GET\",route=\"/api/v1/tenants/{tenantId:guid}/users/\",status=\"401\"}") >= 1, text);
        Assert.True(CounterValue(lines, "tenantra_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}") >= 1, text);
        var raw = lines.Where(l => AnyGuid().IsMatch(l) || l.Contains("?q=", StringComparison.Ordinal)).ToList();
        Assert.True(raw.Count == 0, $"Metrics carry raw paths:\n{string.Join('\n', raw)}");
    }

    [Fact]
    public async Task Features_for_a_viewer_are_enabled_only_where_the_viewer_holds_the_permission()
    {
        var viewer = await fixture.App.SignInAsync(fixture.CustomerViewer.Email);

        var features = await FeaturesAsync(viewer, fixture.CustomerId);

        Assert.Equal(
            ["api-tokens", "assets", "audit", "customers", "enrollment", "exports", "integrity", "msps", "notification-endpoints", "notification-ledger", "notifications", "system", "tenant", "users"],
            features.Keys.Order(StringComparer.Ordinal));
        Assert.True(features["tenant"]);
        Assert.True(features["notifications"]);
        Assert.False(features["notification-endpoints"]);
        Assert.False(features["notification-ledger"]);
        Assert.True(features["assets"]);
        Assert.True(features["exports"]);
        Assert.False(features["enrollment"]);
        Assert.False(features["users"]);
        Assert.False(features["audit"]);
        Assert.False(features["customers"]);
        Assert.False(features["api-tokens"]);
        Assert.False(features["msps"]);
        Assert.False(features["system"]);
    }

    [Fact]
    public async Task Features_carry_the_callers_roles_and_permission_scopes_in_the_tenant()
    {
        var viewer = await fixture.App.SignInAsync(fixture.CustomerViewer.Email);

        var response = await ResponseAssert.ReadAsync(await viewer.GetAsync($"/api/v1/features?tenantId={fixture.CustomerId}"), HttpStatusCode.OK);

        Assert.Equal(["viewer"], response.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["tenant:read", "assets:read"], response.GetProperty("permissions").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Platform_admin_sees_the_platform_pages_in_the_platform_tenant_only()
    {
        var inPlatform = await FeaturesAsync(fixture.PlatformAdmin, fixture.App.PlatformTenantId);
        var inCustomer = await FeaturesAsync(fixture.PlatformAdmin, fixture.CustomerId);
        var mspAdminInMsp = await FeaturesAsync(await fixture.App.SignInAsync(fixture.MspAdmin.Email), fixture.MspId);

        Assert.True(inPlatform["msps"]);
        Assert.True(inPlatform["system"]);
        Assert.False(inCustomer["msps"]);
        Assert.False(inCustomer["system"]);
        Assert.False(mspAdminInMsp["msps"]);
        Assert.False(mspAdminInMsp["system"]);
        Assert.True(mspAdminInMsp["customers"]);
    }

    [Fact]
    public async Task Features_of_a_tenant_the_caller_is_not_a_member_of_are_a_404_problem()
    {
        var viewer = await fixture.App.SignInAsync(fixture.CustomerViewer.Email);
        var other = await new TestData(fixture.App).TenantAsync(TenantKind.Customer, fixture.MspId);

        await ResponseAssert.ProblemAsync(await viewer.GetAsync($"/api/v1/features?tenantId={other}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Msp_admin_turns_a_feature_off_for_everyone_in_the_tenant_and_the_tenant_admin_cannot()
    {
        var data = new TestData(fixture.App);
        var tenantId = await data.TenantAsync(TenantKind.Customer, fixture.MspId);
        var tenantAdmin = await fixture.App.SignInAsync((await data.UserAsync(tenantId, Role.Admin)).Email);
        var auditor = await fixture.App.SignInAsync((await data.UserAsync(tenantId, Role.Auditor)).Email);
        var mspAdmin = await fixture.App.SignInAsync(fixture.MspAdmin.Email);
        Assert.True((await FeaturesAsync(tenantAdmin, tenantId))["audit"]);
        Assert.True((await FeaturesAsync(auditor, tenantId))["audit"]);

        await ResponseAssert.ProblemAsync(
            await tenantAdmin.PutAsJsonAsync($"/api/v1/tenants/{tenantId}/features/audit", new { enabled = false }), HttpStatusCode.Forbidden);
        Assert.True((await FeaturesAsync(tenantAdmin, tenantId))["audit"]);
        var turnedOff = await ResponseAssert.ReadAsync(
            await mspAdmin.PutAsJsonAsync($"/api/v1/tenants/{tenantId}/features/audit", new { enabled = false }), HttpStatusCode.OK);

        Assert.Equal("audit", turnedOff.GetProperty("key").GetString());
        Assert.False(turnedOff.GetProperty("enabled").GetBoolean());
        Assert.False((await FeaturesAsync(tenantAdmin, tenantId))["audit"]);
        Assert.False((await FeaturesAsync(auditor, tenantId))["audit"]);
        Assert.False((await FeaturesAsync(mspAdmin, tenantId))["audit"]);
        Assert.True((await FeaturesAsync(tenantAdmin, tenantId))["users"]);
        Assert.True((await FeaturesAsync(mspAdmin, fixture.CustomerId))["audit"]);

        await ResponseAssert.ReadAsync(await mspAdmin.PutAsJsonAsync($"/api/v1/tenants/{tenantId}/features/audit", new { enabled = true }), HttpStatusCode.OK);
        Assert.True((await FeaturesAsync(tenantAdmin, tenantId))["audit"]);
    }

    private static async Task<Dictionary<string, bool>> FeaturesAsync(HttpClient client, Guid tenantId)
    {
        var response = await ResponseAssert.ReadAsync(await client.GetAsync($"/api/v1/features?tenantId={tenantId}"), HttpStatusCode.OK);
        Assert.Equal(tenantId, response.GetProperty("tenantId").GetGuid());
        return response.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("enabled").GetBoolean());
    }

    private static double CounterValue(string[] lines, string series) =>
        lines.Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex AnyGuid();
}

/// <summary>One app with a platform admin, an MSP with its admin, and a customer with an admin and a viewer.</summary>
public sealed class HealthAndStatusFixture : IAsyncLifetime
{
    public TenantraTestApp App { get; private set; } = null!;

    public HttpClient PlatformAdmin { get; private set; } = null!;

    public Guid MspId { get; private set; }

    public Guid CustomerId { get; private set; }

    public TestUser MspAdmin { get; private set; } = null!;

    public TestUser CustomerAdmin { get; private set; } = null!;

    public TestUser CustomerViewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        var data = new TestData(App);
        PlatformAdmin = await App.SignInAsync((await data.UserAsync(App.PlatformTenantId, Role.Admin)).Email);
        MspId = await data.TenantAsync(TenantKind.Msp);
        CustomerId = await data.TenantAsync(TenantKind.Customer, MspId);
        MspAdmin = await data.UserAsync(MspId, Role.Admin);
        CustomerAdmin = await data.UserAsync(CustomerId, Role.Admin);
        CustomerViewer = await data.UserAsync(CustomerId, Role.Viewer);
    }

    public async Task DisposeAsync()
    {
        PlatformAdmin.Dispose();
        await App.DisposeAsync();
    }
}
