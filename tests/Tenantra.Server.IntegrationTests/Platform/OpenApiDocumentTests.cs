using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>The OpenAPI document describes the whole API, so the console's generated client cannot drift from the server.</summary>
public sealed partial class OpenApiDocumentTests(OpenApiDocumentFixture fixture) : IClassFixture<OpenApiDocumentFixture>
{
    private static readonly string[] s_operationMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public void Document_is_openapi_3_titled_tenantra_api()
    {
        var document = fixture.Document;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Tenantra API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public void Every_api_operation_has_a_unique_operation_id_and_a_summary()
    {
        var operations = Operations(fixture.Document).Where(o => o.Path.StartsWith("/api", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(operations);

        var problems = new List<string>();
        foreach (var (method, path, operation) in operations)
        {
            if (!operation.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString()))
            {
                problems.Add($"{method} {path} has no operationId");
            }

            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            {
                problems.Add($"{method} {path} has no summary");
            }
        }

        problems.AddRange(operations
            .Where(o => o.Operation.TryGetProperty("operationId", out _))
            .GroupBy(o => o.Operation.GetProperty("operationId").GetString())
            .Where(g => g.Count() > 1)
            .Select(g => $"operationId {g.Key} is used by {string.Join(", ", g.Select(o => $"{o.Method} {o.Path}"))}"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_api_endpoint_is_in_the_document()
    {
        var documented = Operations(fixture.Document).Select(o => $"{o.Method.ToUpperInvariant()} {Normalise(o.Path)}").ToHashSet();
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any method)"])
                .Select(m => $"{m.ToUpperInvariant()} {Normalise(e.RoutePattern.RawText!)}"))
            .ToList();
        Assert.True(endpoints.Count > 20, $"Only {endpoints.Count} endpoints under /api were found.");

        var missing = endpoints.Where(e => !documented.Contains(e)).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"Endpoints missing from the OpenAPI document:\n{string.Join('\n', missing)}");
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    public void Health_and_metrics_endpoints_are_documented(string path)
    {
        var paths = fixture.Document.GetProperty("paths");

        Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty("get", out _),
            $"GET {path} is not in the OpenAPI document; documented paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name).Where(p => !p.StartsWith("/api", StringComparison.Ordinal)))}");
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => s_operationMethods.Contains(o.Name))
                .Select(o => (o.Name, path.Name, o.Value)));

    /// <summary>
    /// A route or document path without parameter constraints, defaults and optional markers, and
    /// without a trailing slash: <c>/api/v1/tenants/{tenantId:guid}/</c> becomes <c>/api/v1/tenants/{tenantId}</c>.
    /// </summary>
    private static string Normalise(string path)
    {
        var bare = RouteParameter().Replace(path, m => "{" + m.Groups["name"].Value + "}");
        return bare.Length > 1 ? bare.TrimEnd('/') : bare;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>\w+)[^}]*\}")]
    private static partial Regex RouteParameter();
}

/// <summary>One app and its OpenAPI document, fetched anonymously as a client generator would.</summary>
/// <summary>
/// The console's typed client is generated from <c>web/src/api/openapi.json</c>; that copy must be the
/// document the server serves. <c>scripts/update-api-client</c> refreshes the copy and the client.
/// </summary>
public sealed class ConsoleApiSnapshotTests(OpenApiDocumentFixture fixture) : IClassFixture<OpenApiDocumentFixture>
{
    private static readonly string s_snapshotPath = RepositoryPaths.Of("web", "src", "api", "openapi.json");

    [Fact]
    public async Task Console_copy_of_the_openapi_document_is_current()
    {
        if (Environment.GetEnvironmentVariable("TENANTRA_UPDATE_API_SNAPSHOT") == "1")
        {
            await File.WriteAllTextAsync(s_snapshotPath, fixture.Text);
        }

        var committed = File.Exists(s_snapshotPath) ? (await File.ReadAllTextAsync(s_snapshotPath)).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(
            committed == fixture.Text,
            $"{s_snapshotPath} differs from the served OpenAPI document: run scripts/update-api-client and commit the result.");
    }
}

public sealed class OpenApiDocumentFixture : IAsyncLifetime
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public TenantraTestApp App { get; private set; } = null!;

    public JsonElement Document { get; private set; }

    /// <summary>The document as served, indented, for comparison with the console's copy.</summary>
    public string Text { get; private set; } = "";

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        using var client = App.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Document = await ResponseAssert.ReadAsync(response, HttpStatusCode.OK);
        Text = JsonSerializer.Serialize(Document, s_indented) + "\n";
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
