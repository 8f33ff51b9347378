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
        await context.Database.OpenConnectionAsync(cancellationToken);
        if (options.Engine == DatabaseEngine.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; it is a property of the file, set once.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        else
        {
            // EF Core's own lock is taken per migration transaction, so two nodes starting together can
            // both decide to apply the same later migration. One session-level lock around the whole run
            // makes the second node wait and then find nothing pending.
            await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey});", cancellationToken);
        }

        try
        {
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await context.Database.MigrateAsync(cancellationToken);
            foreach (var migration in pending)
            {
                logger.LogInformation("Applied migration {Migration}", migration);
            }

            return pending;
        }
        finally
        {
            if (options.Engine == DatabaseEngine.Postgres)
            {
                await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey});", CancellationToken.None);
            }
        }
    }

    /// <summary>An arbitrary constant naming Tenantra's migration lock among the database's advisory locks.</summary>
    private const long MigrationLockKey = 7_387_262_311;

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
