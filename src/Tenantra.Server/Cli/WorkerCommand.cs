using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Spectre.Console;
using Tenantra.Data;
using Tenantra.Server.Hosting;

namespace Tenantra.Server.Cli;

/// <summary>
/// <c>tenantra worker</c>: the background workers (job queue, purges) without the API or console —
/// a node added to share the work of one database, or run apart from the web nodes (which then set
/// <c>Tenantra:Workers:Enabled=false</c>). Stops cleanly on SIGTERM; a node killed outright loses
/// nothing (its job leases expire and other nodes take the jobs over).
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = TenantraApp.CreateBuilder(hostArgs);
        builder.Configuration["Tenantra:Workers:Enabled"] = "true";
        builder.WebHost.UseServer(new NoHttpServer());
        builder.AddTenantraServices();
        await using var app = builder.Build();
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        if (options.MigrateOnStart)
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        }

        AnsiConsole.MarkupLineInterpolated($"Tenantra worker {Platform.PlatformEndpoints.Version} on {options.Engine}; no HTTP listener");
        await app.RunAsync(cancellationToken);
        return TenantraCli.Success;
    }

    /// <summary>A server that serves nothing: the host runs its background services only.</summary>
    private sealed class NoHttpServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
