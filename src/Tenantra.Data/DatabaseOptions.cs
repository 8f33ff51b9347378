namespace Tenantra.Data;

public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The provider switch. SQLite under <see cref="DataDirectory"/> unless <see cref="Postgres"/>
/// holds a connection string: that one setting moves Tenantra to PostgreSQL.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Tenantra:Database";

    /// <summary>PostgreSQL connection string for the application role (no table ownership, no BYPASSRLS).</summary>
    public string? Postgres { get; set; }

    /// <summary>PostgreSQL connection string of the schema owner, used by <c>migrate</c>; defaults to <see cref="Postgres"/>.</summary>
    public string? PostgresMigrations { get; set; }

    /// <summary>Overrides the SQLite file; by default <c>tenantra.db</c> in the data directory.</summary>
    public string? SqliteFile { get; set; }

    /// <summary>Apply pending migrations when the server starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public string DataDirectory { get; set; } = "data";

    public DatabaseEngine Engine => string.IsNullOrWhiteSpace(Postgres) ? DatabaseEngine.Sqlite : DatabaseEngine.Postgres;

    public string ApplicationConnectionString => Engine == DatabaseEngine.Postgres
        ? Postgres!
        : $"Data Source={SqlitePath};Cache=Private;Pooling=True;Foreign Keys=True";

    public string MigrationConnectionString => Engine == DatabaseEngine.Postgres
        ? (string.IsNullOrWhiteSpace(PostgresMigrations) ? Postgres! : PostgresMigrations)
        : ApplicationConnectionString;

    public string SqlitePath => SqliteFile ?? Path.Combine(DataDirectory, "tenantra.db");
}
