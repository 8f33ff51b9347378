using System.Net;
using Tenantra.Server.Hosting;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Hosting;

/// <summary>The server hands the console's routes to index.html, caches assets by hash, and keeps API errors as problems.</summary>
public sealed class ConsoleHostingTests : IAsyncLifetime
{
    private readonly string _console = Directory.CreateTempSubdirectory("tenantra-console-").FullName;
    private TenantraTestApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_console, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_console, "index.html"), "<!doctype html><title>console-marker</title>");
        await File.WriteAllTextAsync(Path.Combine(_console, "assets", "index-abc123.js"), "console.log('app')");
        _app = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { [ConsoleHosting.DirectorySetting] = _console });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_console, recursive: true);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sign-in")]
    [InlineData("/t/01a20206-158d-722a-9bb7-79ab2dd65ffd/users")]
    [InlineData("/invitations/accept")]
    public async Task Console_routes_get_index_html_never_cached(string path)
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("console-marker", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync("/assets/index-abc123.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_missing_asset_is_a_404_not_the_console()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync("/assets/gone-999.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/no-such-endpoint")]
    [InlineData("/api/unknown/deeper/path")]
    public async Task Unknown_api_paths_stay_404_problem_details(string path)
    {
        using var client = _app.CreateClient();

        await ResponseAssert.ProblemAsync(await client.GetAsync(path), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_on_an_api_path_stays_405()
    {
        using var client = _app.CreateClient();

        var response = await client.PutAsync("/api/v1/auth/me", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("/sign-in")]
    [InlineData("/api/v1/auth/me")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Without_a_built_console_its_routes_are_404_not_errors()
    {
        await using var bare = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { [ConsoleHosting.DirectorySetting] = Path.Combine(_console, "assets") });
        using var client = bare.CreateClient();

        var response = await client.GetAsync("/t/x/users");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
