using Spectre.Console;
using Tenantra.Data;
using Tenantra.Server.Hosting;

namespace Tenantra.Server.Cli;

internal static class ServeCommand
{
    public const string FirstAdminEmail = "admin@tenantra.local";

    public static async Task<int> RunAsync(string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = TenantraApp.CreateBuilder(hostArgs);
        builder.AddTenantraServices();
        await using var app = builder.Build();
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        if (options.MigrateOnStart)
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        }

        var bootstrapper = app.Services.GetRequiredService<Bootstrapper>();
        await bootstrapper.EnsurePlatformAsync(cancellationToken);
        if (!await bootstrapper.AnyUserAsync(cancellationToken))
        {
            var admin = await bootstrapper.CreatePlatformAdminAsync(FirstAdminEmail, "Platform admin", null, cancellationToken);
            PrintFirstAdmin(admin);
        }

        app.UseTenantraPipeline();
        AnsiConsole.MarkupLineInterpolated($"Tenantra {Platform.PlatformEndpoints.Version} on {options.Engine}; data in {Path.GetFullPath(options.DataDirectory)}");
        await app.RunAsync(cancellationToken);
        return TenantraCli.Success;
    }

    private static void PrintFirstAdmin(Bootstrapper.CreatedAdmin admin)
    {
        var panel = new Panel(new Markup(
            $"email:    [bold]{Markup.Escape(admin.Email)}[/]\npassword: [bold]{Markup.Escape(admin.Password)}[/]\n\n" +
            "Shown once. Open the console, sign in, and change it under your name\n(top right), where you can also turn on two-step verification."))
        {
            Header = new PanelHeader(" First platform administrator "),
        };
        AnsiConsole.Write(panel);
    }
}
