using System.Net;
using System.Net.Http.Json;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>Errors are RFC 7807 problem details everywhere: routing, authentication, validation and antiforgery.</summary>
public sealed class ProblemDetailsTests(ProblemDetailsFixture fixture) : IClassFixture<ProblemDetailsFixture>
{
    private const string AntiforgeryHeader = "X-XSRF-TOKEN";

    [Fact]
    public async Task A_number_sent_as_a_string_is_refused_naming_the_field()
    {
        using var body = new StringContent("""{"email":"n@numbers.example","role":"viewer","expiresInDays":"7"}""", System.Text.Encoding.UTF8, "application/json");

        var problem = await ResponseAssert.ProblemAsync(await fixture.Admin.PostAsync($"/api/v1/tenants/{fixture.CustomerId}/invitations", body), HttpStatusCode.BadRequest);

        Assert.Equal("has the wrong type or format.", problem.GetProperty("errors").GetProperty("expiresInDays")[0].GetString());
    }

    [Fact]
    public async Task Unknown_route_under_api_is_a_404_problem()
    {
        using var anonymous = fixture.App.CreateClient();

        await ResponseAssert.ProblemAsync(await anonymous.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(await fixture.Admin.GetAsync($"/api/v1/tenants/{fixture.CustomerId}/no-such-thing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Method_not_allowed_is_a_405_problem_that_lists_the_allowed_methods()
    {
        using var anonymous = fixture.App.CreateClient();

        var response = await anonymous.DeleteAsync("/api/v1/msps");

        await ResponseAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Unauthenticated_call_to_a_tenant_route_is_a_401_problem()
    {
        using var anonymous = fixture.App.CreateClient();

        var problem = await ResponseAssert.ProblemAsync(await anonymous.GetAsync($"/api/v1/tenants/{fixture.CustomerId}/users"), HttpStatusCode.Unauthorized);

        Assert.Equal("Sign-in required.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Validation_errors_list_field_messages_keyed_by_camel_case_json_names()
    {
        var msp = await ResponseAssert.ProblemAsync(await fixture.Admin.PostAsJsonAsync("/api/v1/msps", new { name = "" }), HttpStatusCode.BadRequest);
        var user = await ResponseAssert.ProblemAsync(
            await fixture.Admin.PostAsJsonAsync($"/api/v1/tenants/{fixture.CustomerId}/users", new { email = "not-an-email", displayName = " ", role = "admin" }),
            HttpStatusCode.BadRequest);

        var nameErrors = msp.GetProperty("errors").GetProperty("name");
        Assert.NotEqual(0, nameErrors.GetArrayLength());
        Assert.All(nameErrors.EnumerateArray(), m => Assert.False(string.IsNullOrWhiteSpace(m.GetString())));
        var userErrors = user.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["displayName", "email"], userErrors);
    }

    [Fact]
    public async Task Cookie_write_without_the_antiforgery_header_is_a_400_problem_and_changes_nothing()
    {
        var client = await fixture.App.SignInAsync(fixture.CustomerAdmin.Email);
        client.DefaultRequestHeaders.Remove(AntiforgeryHeader);
        var forged = await fixture.App.SignInAsync(fixture.CustomerAdmin.Email);
        forged.DefaultRequestHeaders.Remove(AntiforgeryHeader);
        forged.DefaultRequestHeaders.Add(AntiforgeryHeader, "forged-token");

        var missing = await ResponseAssert.ProblemAsync(
            await client.PostAsJsonAsync($"/api/v1/tenants/{fixture.CustomerId}/invitations", new { email = "no-header@test.example", role = "viewer" }),
            HttpStatusCode.BadRequest);
        var wrong = await ResponseAssert.ProblemAsync(
            await forged.PostAsJsonAsync($"/api/v1/tenants/{fixture.CustomerId}/invitations", new { email = "forged@test.example", role = "viewer" }),
            HttpStatusCode.BadRequest);

        Assert.Contains("antiforgery", missing.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("antiforgery", wrong.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        var open = await ResponseAssert.ReadAsync(await client.GetAsync($"/api/v1/tenants/{fixture.CustomerId}/invitations?q=test.example"), HttpStatusCode.OK);
        Assert.DoesNotContain(open.GetProperty("items").EnumerateArray(), i => i.GetProperty("email").GetString() is "no-header@test.example" or "forged@test.example");
    }

    [Fact]
    public async Task Api_token_write_needs_no_antiforgery_header()
    {
        var token = await new TestData(fixture.App).TokenAsync(fixture.CustomerAdmin, fixture.CustomerId);
        using var integration = fixture.App.CreateTokenClient(token);

        var created = await ResponseAssert.ReadAsync(
            await integration.PostAsJsonAsync($"/api/v1/tenants/{fixture.CustomerId}/invitations", new { email = "by-token@test.example", role = "viewer" }),
            HttpStatusCode.Created);

        Assert.False(integration.DefaultRequestHeaders.Contains(AntiforgeryHeader));
        Assert.Equal("by-token@test.example", created.GetProperty("invitation").GetProperty("email").GetString());
    }
}

/// <summary>One app with a signed-in platform admin and a customer with its own admin.</summary>
public sealed class ProblemDetailsFixture : IAsyncLifetime
{
    public TenantraTestApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Guid CustomerId { get; private set; }

    public TestUser CustomerAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        var data = new TestData(App);
        var admin = await data.UserAsync(App.PlatformTenantId, Role.Admin);
        Admin = await App.SignInAsync(admin.Email);
        var mspId = await data.TenantAsync(TenantKind.Msp);
        CustomerId = await data.TenantAsync(TenantKind.Customer, mspId);
        CustomerAdmin = await data.UserAsync(CustomerId, Role.Admin);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
    }
}
