using Npgsql;

namespace Tenantra.TestCommon;

/// <summary>
/// A fresh, empty database for one test app: a SQLite file in a temp folder by default, or a
/// new PostgreSQL database when <c>TENANTRA_TEST_DB=postgres</c> (scripts/test sets it and starts
/// PostgreSQL). On PostgreSQL the schema is migrated by the owner role and the app connects as
/// <c>tenantra_app</c>, which owns nothing and cannot bypass row-level security.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _ownerConnection;

    private TestDatabase(string directory, string? postgresName, string? ownerConnection, string? appConnection)
    {
        Directory = directory;
        _postgresName = postgresName;
        _ownerConnection = ownerConnection;
        AppConnectionString = appConnection;
    }

    public static bool UsePostgres => Environment.GetEnvironmentVariable("TENANTRA_TEST_DB") == "postgres";

    public string Directory { get; }

    public bool IsPostgres => _postgresName is not null;

    public string? AppConnectionString { get; }

    public string? OwnerConnectionString => _ownerConnection;

    public static async Task<TestDatabase> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tenantra-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        if (!UsePostgres)
        {
            return new TestDatabase(directory, null, null, null);
        }

        var owner = Required("TENANTRA_TEST_POSTGRES_OWNER");
        var app = Required("TENANTRA_TEST_POSTGRES_APP");
        var name = "tenantra_t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(directory, name, WithDatabase(owner, name), WithDatabase(app, name));
    }

    /// <summary>Settings that point the app at this database.</summary>
    public Dictionary<string, string?> Settings() => IsPostgres
        ? new()
        {
            ["Tenantra:DataDirectory"] = Directory,
            ["Tenantra:Database:Postgres"] = AppConnectionString,
            ["Tenantra:Database:PostgresMigrations"] = _ownerConnection,
        }
        : new() { ["Tenantra:DataDirectory"] = Directory };

    public async ValueTask DisposeAsync()
    {
        // No ClearAllPools: it would also drop other test classes' pooled connections mid-test.
        // DROP … WITH (FORCE) ends this database's sessions (scripts/postgres lets the owner do so).
        if (_postgresName is not null)
        {
            await using var connection = new NpgsqlConnection(Required("TENANTRA_TEST_POSTGRES_OWNER"));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still open by a pooled connection; the temp folder is cleaned with the machine.
        }
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through scripts/test, which starts PostgreSQL and sets it.");
}
