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
        services.AddDbContext<TenantraDbContext>((provider, builder) =>
        {
            Configure(builder, options, options.ApplicationConnectionString);
            if (options.Engine == DatabaseEngine.Postgres)
            {
                builder.AddInterceptors(new TenantSessionInterceptor(provider.GetRequiredService<TenantScope>()));
            }
        });
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    internal static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options, string connectionString)
    {
        if (options.Engine == DatabaseEngine.Postgres)
        {
            // Automatic preparation saves PostgreSQL re-planning the same few queries on every request.
            var npgsqlSettings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (npgsqlSettings.MaxAutoPrepare == 0)
            {
                npgsqlSettings.MaxAutoPrepare = 50;
            }

            builder.UseNpgsql(npgsqlSettings.ConnectionString, npgsql => npgsql.MigrationsAssembly(typeof(TenantraDbContext).Assembly.GetName().Name));
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.SqlitePath))!);
            builder.UseSqlite(connectionString);
        }

        // Migrations are written by hand (EF's design-time tools are not available here), so there is
        // no model snapshot; the schema test compares the model with the migrated database instead.
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.ModelSnapshotNotFound, RelationalEventId.PendingModelChangesWarning));
    }
}
