using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>Registers <see cref="TenantraDbContext"/> on the engine chosen by <paramref name="options"/>.</summary>
    public static IServiceCollection AddTenantraDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        services.AddScoped<TenantScope>();
        services.AddSingleton<ITenantScopeFactory, TenantScopeFactory>();
        var connectionString = options.Engine == DatabaseEngine.Postgres
            ? TunePostgres(options.ApplicationConnectionString)
            : options.ApplicationConnectionString;
        services.AddDbContext<TenantraDbContext>((provider, builder) =>
        {
            Configure(builder, options, connectionString);
            if (options.Engine == DatabaseEngine.Postgres)
            {
                builder.AddInterceptors(new TenantSessionInterceptor(provider.GetRequiredService<TenantScope>()));
            }
        });
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The application connection: statements prepared automatically (PostgreSQL does not re-plan
    /// the same few queries on every request), and no session reset when a connection returns to the
    /// pool — the only session state Tenantra sets is the tenant scope, which
    /// <see cref="TenantSessionInterceptor"/> sets again on every open before any command runs.
    /// Explicit values in the configured connection string win.
    /// </summary>
    private static string TunePostgres(string connectionString)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 50;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            settings.NoResetOnClose = true;
        }

        return settings.ConnectionString;
    }

    internal static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options, string connectionString)
    {
        if (options.Engine == DatabaseEngine.Postgres)
        {
            builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(TenantraDbContext).Assembly.GetName().Name));
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.SqlitePath))!);
            builder.UseSqlite(connectionString).AddInterceptors(new SqliteConnectionSettings());
        }

        // Migrations are written by hand (EF's design-time tools are not available here), so there is
        // no model snapshot; the schema test compares the model with the migrated database instead.
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.ModelSnapshotNotFound, RelationalEventId.PendingModelChangesWarning));
    }
}
