using Spectre.Console;
using Tenantra.Server.Hosting;

namespace Tenantra.Server.Cli;

internal static class AdminCommands
{
    public static async Task<int> CreateAsync(IServiceProvider services, string email, string name, string? password, CancellationToken cancellationToken)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            throw new ArgumentException($"'{email}' is not a valid email address.", nameof(email));
        }

        var admin = await services.GetRequiredService<Bootstrapper>().CreatePlatformAdminAsync(email, name, password, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Created platform admin [bold]{admin.Email}[/].");
        if (admin.PasswordGenerated)
        {
            AnsiConsole.MarkupLineInterpolated($"Password (shown once): [bold]{admin.Password}[/]");
        }

        return TenantraCli.Success;
    }
}
