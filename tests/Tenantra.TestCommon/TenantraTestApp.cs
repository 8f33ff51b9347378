using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Hosting;

namespace Tenantra.TestCommon;

/// <summary>
/// The one test host: the real application (all services, pipeline and endpoints) on an
/// in-memory server over a fresh <see cref="TestDatabase"/>. Settings can be overridden per test.
/// </summary>
public sealed class TenantraTestApp : IAsyncDisposable
{
    /// <summary>Password of every user made by <see cref="TestData"/>.</summary>
    public const string Password = "correct horse battery staple";

    private readonly bool _ownsDatabase;

    private TenantraTestApp(WebApplication app, TestDatabase database, bool ownsDatabase)
    {
        App = app;
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    public WebApplication App { get; }

    public TestDatabase Database { get; }

    public IServiceProvider Services => App.Services;

    public TestServer Server => App.GetTestServer();

    public Guid PlatformTenantId { get; private set; }

    /// <summary>
    /// The app over a fresh database, on the in-memory test server; with <paramref name="listenOnLoopback"/>,
    /// on real HTTP at a free port of 127.0.0.1 instead (<see cref="ListeningAddress"/>), for a real agent
    /// process to talk to. With <paramref name="database"/>, over that database, left in place on disposal
    /// (to restart a server on the same data). <paramref name="services"/> adds test services (e.g. job handlers).
    /// </summary>
    public static async Task<TenantraTestApp> StartAsync(
        IDictionary<string, string?>? settings = null, bool listenOnLoopback = false, TestDatabase? database = null, int port = 0, Action<IServiceCollection>? services = null)
    {
        var ownsDatabase = database is null;
        database ??= await TestDatabase.CreateAsync();
        var builder = TenantraApp.CreateBuilder([]);
        if (listenOnLoopback)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var all = database.Settings();
        all["Tenantra:Workers:Enabled"] = "false";
        // Tests judge drift as soon as a snapshot is stored.
        all["Tenantra:Integrity:EvaluationDelaySeconds"] = "0";
        // Detections would make alerts of the tests' own actions (tokens used at night, admins made); their tests switch them on.
        all["Tenantra:Audit:DetectionsEnabled"] = "false";
        all["Tenantra:Identity:PasswordIterations"] = "1000";
        all["Tenantra:RateLimits:RequestsPerMinute"] = "100000";
        all["Tenantra:RateLimits:SignInPerMinute"] = "100000";
        all["Logging:LogLevel:Default"] = "Warning";
        // Tests provoke conflicts and refusals on purpose (409s, RLS violations); EF logs each as an error.
        all["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Critical";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.AddTenantraServices();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var testApp = new TenantraTestApp(app, database, ownsDatabase)
        {
            PlatformTenantId = await app.Services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync(),
        };
        app.UseTenantraPipeline();
        await app.StartAsync();
        return testApp;
    }

    /// <summary>The real HTTP address of an app started with listenOnLoopback.</summary>
    public Uri ListeningAddress => new(App.Urls.First());

    /// <summary>A client that keeps cookies, like a browser (over real HTTP when the app listens on loopback).</summary>
    public HttpClient CreateClient()
    {
        if (App.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>() is not TestServer)
        {
            return new HttpClient(new CookieContainerHandler { InnerHandler = new SocketsHttpHandler { UseCookies = false } }) { BaseAddress = ListeningAddress };
        }

        var handler = new CookieContainerHandler { InnerHandler = Server.CreateHandler() };
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }

    /// <summary>A client that presents an API token.</summary>
    public HttpClient CreateTokenClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Signs in with a password (no second factor) and sets the antiforgery header for later writes.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = Password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        await client.UseAntiforgeryAsync();
        return client;
    }

    /// <summary>Runs <paramref name="work"/> inside one tenant's scope, as background work does.</summary>
    public async Task<T> InTenantAsync<T>(Guid tenantId, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.GetRequiredService<ITenantScopeFactory>().Enter(tenantId);
        return await work(scope.ServiceProvider);
    }

    public async Task<T> InPlatformAsync<T>(Func<TenantraDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TenantraDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}

public static class HttpClientTestExtensions
{
    public static async Task UseAntiforgeryAsync(this HttpClient client)
    {
        var antiforgery = await client.GetFromJsonAsync<AntiforgeryToken>("/api/v1/auth/antiforgery");
        client.DefaultRequestHeaders.Remove(antiforgery!.HeaderName);
        client.DefaultRequestHeaders.Add(antiforgery.HeaderName, antiforgery.Token);
    }

    private sealed record AntiforgeryToken(string Token, string HeaderName);
}
