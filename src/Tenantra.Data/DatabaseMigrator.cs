using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data;

/// <summary>
/// Applies the forward-only migrations with the schema owner's connection. EF Core takes a
/// database-wide migration lock, so nodes that start together apply each migration once.
/// </summary>
public sealed class DatabaseMigrator(DatabaseOptions options, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var context = CreateOwnerContext();
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (options.Engine == DatabaseEngine.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; it is a property of the file, set once.
            await context.Database.OpenConnectionAsync(cancellationToken);
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await context.Database.MigrateAsync(cancellationToken);
        foreach (var migration in pending)
        {
            logger.LogInformation("Applied migration {Migration}", migration);
        }

        return pending;
    }

    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var context = CreateOwnerContext();
        return [.. await context.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    public static IReadOnlyList<string> KnownMigrations()
    {
        using var context = new TenantraDbContext(new DbContextOptionsBuilder<TenantraDbContext>().UseSqlite("Data Source=:memory:").Options, new TenantScope());
        return [.. context.GetService<IMigrationsAssembly>().Migrations.Keys];
    }

    private TenantraDbContext CreateOwnerContext()
    {
        var builder = new DbContextOptionsBuilder<TenantraDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, options, options.MigrationConnectionString);
        return new TenantraDbContext(builder.Options, new TenantScope());
    }
}
