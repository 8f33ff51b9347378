using Microsoft.Extensions.Logging.Abstractions;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>Applying the migrations: once per database however many nodes start together, and in the right place.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Two_migrators_on_one_fresh_database_apply_each_migration_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Two nodes: separate options, migrators and owner contexts, the same database.
        var first = new DatabaseMigrator(OwnerConnection.Options(database), NullLogger<DatabaseMigrator>.Instance);
        var second = new DatabaseMigrator(OwnerConnection.Options(database), NullLogger<DatabaseMigrator>.Instance);

        await Task.WhenAll(Task.Run(() => first.MigrateAsync()), Task.Run(() => second.MigrateAsync()));

        var known = DatabaseMigrator.KnownMigrations();
        Assert.NotEmpty(known);
        await using (var connection = await OwnerConnection.OpenAsync(database))
        {
            var history = await OwnerConnection.StringsAsync(connection, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"");
            Assert.Equal(known.Order(StringComparer.Ordinal), history);
        }

        var differences = await TenantraSchema.DifferencesAsync(database);
        Assert.True(differences.Count == 0, TenantraSchema.Report(differences));

        Assert.Empty(await first.PendingAsync());
        Assert.Empty(await second.MigrateAsync());
        Assert.Empty(await first.MigrateAsync());
    }

    [Fact]
    public async Task A_fresh_database_has_every_migration_pending_until_migrated()
    {
        await using var database = await TestDatabase.CreateAsync();
        var migrator = new DatabaseMigrator(OwnerConnection.Options(database), NullLogger<DatabaseMigrator>.Instance);

        Assert.Equal(DatabaseMigrator.KnownMigrations(), await migrator.PendingAsync());
        Assert.Equal(DatabaseMigrator.KnownMigrations(), await migrator.MigrateAsync());
        Assert.Empty(await migrator.PendingAsync());
    }

    [Fact]
    public async Task Snapshot_storage_is_tuned_on_postgresql_and_the_same_migration_is_a_recorded_no_op_on_sqlite()
    {
        await using var database = await TestDatabase.CreateAsync();
        await new DatabaseMigrator(OwnerConnection.Options(database), NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

        await using var connection = await OwnerConnection.OpenAsync(database);
        var history = await OwnerConnection.StringsAsync(connection, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"");
        Assert.Contains("202611220003_SnapshotStorage", history);
        if (database.IsPostgres)
        {
            // attcompression 'l' = lz4 (this machine's PostgreSQL is built with it); attstorage 'e' = external, uncompressed.
            var settings = await OwnerConnection.StringsAsync(connection, """
                SELECT attrelid::regclass::text || '.' || attname || ' ' || attcompression::text || attstorage::text
                FROM pg_attribute WHERE (attrelid, attname) IN (('asset_states'::regclass, 'entries_json'), ('snapshots'::regclass, 'payload'))
                ORDER BY 1
                """);
            Assert.Equal(["asset_states.entries_json lx", "snapshots.payload e"], settings);
        }
    }

    [Fact]
    public async Task The_sqlite_database_file_is_created_in_the_data_directory_and_only_on_sqlite()
    {
        await using var database = await TestDatabase.CreateAsync();
        var options = OwnerConnection.Options(database);
        var file = Path.Combine(database.Directory, "tenantra.db");
        Assert.False(File.Exists(file));

        await new DatabaseMigrator(options, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

        if (database.IsPostgres)
        {
            Assert.Equal(DatabaseEngine.Postgres, options.Engine);
            Assert.Empty(Directory.GetFiles(database.Directory, "*.db*"));
        }
        else
        {
            Assert.Equal(DatabaseEngine.Sqlite, options.Engine);
            Assert.Equal(Path.GetFullPath(file), Path.GetFullPath(options.SqlitePath));
            Assert.True(File.Exists(file), $"no database file at {file}");
            Assert.True(new FileInfo(file).Length > 0);
            Assert.Equal([Path.GetFullPath(file)], Directory.GetFiles(database.Directory, "*.db").Select(Path.GetFullPath));
        }
    }
}
