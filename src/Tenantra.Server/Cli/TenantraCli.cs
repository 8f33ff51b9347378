using System.CommandLine;
using Spectre.Console;
using Tenantra.Data;
using Tenantra.Server.Hosting;

namespace Tenantra.Server.Cli;

/// <summary>
/// The server binary's commands. Exit codes: 0 success, 1 the work failed (for example a broken
/// audit chain), 2 bad usage or configuration.
/// </summary>
public static class TenantraCli
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var serve = new Command("serve", "Run the API, the console and the in-process workers (the default).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, cancellationToken) => ServeCommand.RunAsync([.. result.UnmatchedTokens], cancellationToken));

        var worker = new Command("worker", "Run only the background workers (job queue, purges), with no HTTP listener: extra worker nodes.") { TreatUnmatchedTokensAsErrors = false };
        worker.SetAction((result, cancellationToken) => WorkerCommand.RunAsync([.. result.UnmatchedTokens], cancellationToken));

        var migrate = new Command("migrate", "Apply pending database migrations with the schema owner's connection.") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((result, cancellationToken) => WithServices(result, MigrateAsync, cancellationToken));

        var email = new Option<string>("--email") { Description = "Email address of the administrator.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name.", DefaultValueFactory = _ => "Platform admin" };
        var password = new Option<string?>("--password") { Description = "Password (at least 12 characters); generated and printed once when omitted." };
        var adminCreate = new Command("create", "Create a platform administrator.") { email, name, password };
        adminCreate.TreatUnmatchedTokensAsErrors = false;
        adminCreate.SetAction((result, cancellationToken) => WithServices(result, (services, ct) =>
            AdminCommands.CreateAsync(services, result.GetValue(email)!, result.GetValue(name)!, result.GetValue(password), ct), cancellationToken));
        var admin = new Command("admin", "Platform administrators.") { adminCreate };

        var demoPassword = new Option<string?>("--password") { Description = "Password of every demo user (at least 12 characters); generated and printed when omitted." };
        var seed = new Command("seed-demo", "Create a demo MSP with three customers and users in every role.") { demoPassword };
        seed.TreatUnmatchedTokensAsErrors = false;
        seed.SetAction((result, cancellationToken) => WithServices(result, (services, ct) => DemoSeeder.RunAsync(services, result.GetValue(demoPassword), ct), cancellationToken));

        var tenant = new Option<Guid?>("--tenant") { Description = "Verify only this tenant's chain." };
        var file = new Option<FileInfo?>("--file") { Description = "Verify an audit evidence export (JSON) offline instead of the database." };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "With --file: the server's public key(s), PEM (GET /api/v1/audit/signing-keys or `audit public-key`)." };
        var verify = new Command("verify", "Walk every tenant's audit hash chain and signed anchors and report breaks; or check an exported evidence file with only the public key.") { tenant, file, publicKey };
        verify.TreatUnmatchedTokensAsErrors = false;
        verify.SetAction((result, cancellationToken) => result.GetValue(file) is { } evidence
            ? Task.FromResult(AuditCommands.VerifyFile(evidence, result.GetValue(publicKey)))
            : WithServices(result, (services, ct) => AuditCommands.VerifyAsync(services, result.GetValue(tenant), ct), cancellationToken));
        var anchor = new Command("anchor", "Sign an anchor over every tenant's chain head that moved since its last anchor, now.") { TreatUnmatchedTokensAsErrors = false };
        anchor.SetAction((result, cancellationToken) => WithServices(result, AuditCommands.AnchorAsync, cancellationToken));
        var archive = new Command("archive", "Move every tenant's records older than Tenantra:Audit:ArchiveAfterDays into signed archive segments, now (anchor first).") { TreatUnmatchedTokensAsErrors = false };
        archive.SetAction((result, cancellationToken) => WithServices(result, AuditCommands.ArchiveAsync, cancellationToken));
        var printPublicKey = new Command("public-key", "Print the server's public audit signing keys (PEM), newest first.") { TreatUnmatchedTokensAsErrors = false };
        printPublicKey.SetAction((result, cancellationToken) => WithServices(result, AuditCommands.PrintPublicKeysAsync, cancellationToken));
        var rotateSigningKey = new Command("rotate-key", "Add a new audit signing key; it signs from now on, older keys stay published.") { TreatUnmatchedTokensAsErrors = false };
        rotateSigningKey.SetAction((result, cancellationToken) => WithServices(result, AuditCommands.RotateKeyAsync, cancellationToken));
        var audit = new Command("audit", "Audit trail tools.") { verify, anchor, archive, printPublicKey, rotateSigningKey };

        var rotatePayloadKey = new Command("rotate", "Add a new data key for snapshot payloads; new payloads use it, older ones keep theirs.") { TreatUnmatchedTokensAsErrors = false };
        rotatePayloadKey.SetAction((result, cancellationToken) => WithServices(result, RotatePayloadKeyAsync, cancellationToken));
        var keys = new Command("keys", "Encryption keys of stored data.") { rotatePayloadKey };

        var root = new RootCommand("Tenantra: multi-tenant visibility, integrity and compliance for MSPs.") { serve, worker, migrate, admin, seed, audit, keys };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, cancellationToken) => ServeCommand.RunAsync([.. result.UnmatchedTokens], cancellationToken));
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RotatePayloadKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var id = await services.GetRequiredService<Agents.PayloadKeyRing>().RotateAsync(cancellationToken);
        AnsiConsole.MarkupLine($"Payload key [bold]{id}[/] is now used for new snapshots.");
        return Success;
    }

    /// <summary>Builds the application's services (no web server) for a one-shot command; extra tokens are configuration.</summary>
    private static async Task<int> WithServices(ParseResult result, Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            var builder = TenantraApp.CreateBuilder([.. result.UnmatchedTokens]);
            builder.Configuration["Tenantra:Workers:Enabled"] = "false";
            builder.AddTenantraServices();
            await using var app = builder.Build();
            return await command(app.Services, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return Usage;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<DatabaseOptions>();
        AnsiConsole.MarkupLineInterpolated($"Migrating the {options.Engine} database…");
        var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        foreach (var migration in applied)
        {
            AnsiConsole.MarkupLineInterpolated($"  [green]applied[/] {migration}");
        }

        await services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync(cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"{(applied.Count == 0 ? "Already up to date." : $"{applied.Count} migrations applied.")}");
        return Success;
    }
}
