using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Tenantra.Core.Audit;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;

namespace Tenantra.Server.Cli;

internal static class AuditCommands
{
    /// <summary>Verifies each tenant's chain and anchors inside that tenant's scope; exit 1 when any chain is broken.</summary>
    public static async Task<int> VerifyAsync(IServiceProvider services, Guid? onlyTenant, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var tenants = await TenantsAsync(services, onlyTenant, cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var broken = 0;
        long records = 0;
        var anchors = 0;
        var scopes = services.GetRequiredService<ITenantScopeFactory>();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Verifying audit chains", maxValue: Math.Max(1, tenants.Count));
            foreach (var (id, name) in tenants)
            {
                await using var scope = scopes.Enter(id);
                var result = await scope.ServiceProvider.GetRequiredService<AuditVerification>().VerifyAsync(id, cancellationToken);
                records += result.RecordsChecked;
                anchors += result.AnchorsChecked;
                if (!result.IsValid)
                {
                    broken++;
                    AnsiConsole.MarkupLineInterpolated($"[red]BROKEN[/] {name} ({id}): {result.Problem}");
                }

                task.Increment(1);
            }
        });
        AnsiConsole.MarkupLineInterpolated($"{tenants.Count} chains, {records} records and {anchors} signed anchors checked, {broken} broken ({clock.Elapsed.TotalSeconds:F1} s).");
        return broken == 0 ? TenantraCli.Success : TenantraCli.Failed;
    }

    /// <summary>Checks an evidence export with only the public key(s); exit 1 when anything does not hold, 2 for a missing or unreadable key.</summary>
    public static int VerifyFile(FileInfo evidence, FileInfo? publicKey)
    {
        string? usage = publicKey is null ? "--file needs --public-key: the server's public key (PEM), obtained independently of the file."
            : !evidence.Exists || !publicKey.Exists ? $"No such file: {(evidence.Exists ? publicKey.FullName : evidence.FullName)}."
            : null;
        Dictionary<string, System.Security.Cryptography.ECDsa>? keys = null;
        try
        {
            keys = usage is null ? AuditSignature.PublicKeys(File.ReadAllText(publicKey!.FullName)) : null;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            usage = $"{publicKey!.Name} holds no usable public key: {ex.Message}";
        }

        if (keys is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {usage}");
            return TenantraCli.Usage;
        }

        using var stream = evidence.OpenRead();
        var result = AuditEvidenceFile.Verify(stream, keys);
        foreach (var problem in result.Problems)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]BROKEN[/] {problem}");
        }

        var scope = result.FromFirstRecord ? "from the first record" : "a selection (not from the first record)";
        AnsiConsole.MarkupLineInterpolated(
            $"{result.Records} records ({scope}), {result.AnchorsChecked} anchors, sealed by key {result.SealedBy ?? "none"}: {(result.IsValid ? "valid" : $"{result.Problems.Count} problems")}.");
        return result.IsValid ? TenantraCli.Success : TenantraCli.Failed;
    }

    public static async Task<int> AnchorAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var tenants = await TenantsAsync(services, null, cancellationToken);
        var scopes = services.GetRequiredService<ITenantScopeFactory>();
        int signed = 0, broken = 0;
        foreach (var (id, name) in tenants)
        {
            await using var scope = scopes.Enter(id);
            var result = await scope.ServiceProvider.GetRequiredService<AuditAnchoring>().AnchorAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>(), id, cancellationToken);
            if (result.Broken is { } problem)
            {
                broken++;
                AnsiConsole.MarkupLineInterpolated($"[red]NOT SIGNED[/] {name} ({id}): {problem.Problem}");
            }

            signed += result.Anchor is null ? 0 : 1;
        }

        AnsiConsole.MarkupLineInterpolated($"{signed} anchors signed, {tenants.Count - signed - broken} chains unchanged since their last anchor, {broken} not signed.");
        return broken == 0 ? TenantraCli.Success : TenantraCli.Failed;
    }

    /// <summary>Anchors, then archives every due segment of every tenant; exit 1 when a chain does not verify (nothing of it is archived then).</summary>
    public static async Task<int> ArchiveAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var tenants = await TenantsAsync(services, null, cancellationToken);
        var scopes = services.GetRequiredService<ITenantScopeFactory>();
        int segments = 0, broken = 0;
        long records = 0;
        foreach (var (id, name) in tenants)
        {
            await using var scope = scopes.Enter(id);
            var anchored = await scope.ServiceProvider.GetRequiredService<AuditAnchoring>().AnchorAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>(), id, cancellationToken);
            var archiver = scope.ServiceProvider.GetRequiredService<AuditArchiver>();
            var result = anchored.Broken is null ? await archiver.ArchiveNextAsync(id, cancellationToken) : new ArchiveResult(null, anchored.Broken);
            for (; result.Segment is { } segment; result = await archiver.ArchiveNextAsync(id, cancellationToken))
            {
                segments++;
                records += segment.Records;
            }

            if (result.Broken is { } problem)
            {
                broken++;
                AnsiConsole.MarkupLineInterpolated($"[red]NOT ARCHIVED[/] {name} ({id}): {problem.Problem}");
            }
        }

        AnsiConsole.MarkupLineInterpolated($"{segments} archive segments written, {records} records archived, {broken} chains not archived.");
        return broken == 0 ? TenantraCli.Success : TenantraCli.Failed;
    }

    public static async Task<int> PrintPublicKeysAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        foreach (var key in await services.GetRequiredService<AuditSigningKeys>().PublishedAsync(cancellationToken))
        {
            Console.Out.Write(key.PublicKeyPem.TrimEnd() + "\n");
        }

        return TenantraCli.Success;
    }

    public static async Task<int> RotateKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        var id = await services.GetRequiredService<AuditSigningKeys>().RotateAsync(cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Audit signing key [bold]{id}[/] signs from now on; publish its public key to your auditors.");
        return TenantraCli.Success;
    }

    private static async Task<List<(Guid Id, string Name)>> TenantsAsync(IServiceProvider services, Guid? onlyTenant, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var tenants = (await db.Tenants.Where(t => onlyTenant == null || t.Id == onlyTenant).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken))
            .Select(t => (t.Id, t.Name)).ToList();
        return onlyTenant is not null && tenants.Count == 0 ? throw new ArgumentException($"No tenant {onlyTenant}.") : tenants;
    }
}
