using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;

namespace Tenantra.Server.Cli;

internal static class AuditCommands
{
    /// <summary>Verifies each tenant's chain inside that tenant's scope; exit 1 when any chain is broken.</summary>
    public static async Task<int> VerifyAsync(IServiceProvider services, Guid? onlyTenant, CancellationToken cancellationToken)
    {
        List<(Guid Id, string Name)> tenants;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            tenants = [.. (await db.Tenants.Where(t => onlyTenant == null || t.Id == onlyTenant).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken)).Select(t => (t.Id, t.Name))];
        }

        if (onlyTenant is not null && tenants.Count == 0)
        {
            throw new ArgumentException($"No tenant {onlyTenant}.");
        }

        var broken = 0;
        long records = 0;
        var scopes = services.GetRequiredService<ITenantScopeFactory>();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Verifying audit chains", maxValue: Math.Max(1, tenants.Count));
            foreach (var (id, name) in tenants)
            {
                await using var scope = scopes.Enter(id);
                var result = await AuditVerification.VerifyAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>(), id, cancellationToken);
                records += result.RecordsChecked;
                if (!result.IsValid)
                {
                    broken++;
                    AnsiConsole.MarkupLineInterpolated($"[red]BROKEN[/] {name} ({id}): {result.Problem}");
                }

                task.Increment(1);
            }
        });
        AnsiConsole.MarkupLineInterpolated($"{tenants.Count} chains, {records} records checked, {broken} broken.");
        return broken == 0 ? TenantraCli.Success : TenantraCli.Failed;
    }
}
