using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>
/// Raw access to a test database as its owner, past the application: the SQLite file itself, or
/// the PostgreSQL schema owner. Row-level security is forced on the owner too, so tenant-scoped
/// rows are reachable only for the tenants given to <see cref="OpenAsync"/>.
/// </summary>
public static class OwnerConnection
{
    /// <summary>The options the application would build from <see cref="TestDatabase.Settings"/>.</summary>
    public static DatabaseOptions Options(TestDatabase database)
    {
        var settings = database.Settings();
        return new DatabaseOptions
        {
            DataDirectory = settings["Tenantra:DataDirectory"]!,
            Postgres = settings.GetValueOrDefault("Tenantra:Database:Postgres"),
            PostgresMigrations = settings.GetValueOrDefault("Tenantra:Database:PostgresMigrations"),
        };
    }

    public static async Task<DbConnection> OpenAsync(TestDatabase database, params Guid[] tenantIds)
    {
        DbConnection connection = database.IsPostgres
            ? new NpgsqlConnection(database.OwnerConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Options(database).SqlitePath, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        if (database.IsPostgres && tenantIds.Length > 0)
        {
            await ExecuteAsync(connection, "SELECT set_config('tenantra.tenant_ids', @ids, false)", ("ids", string.Join(',', tenantIds)));
        }

        return connection;
    }

    /// <summary>A tenant id as the engine stores it: uuid on PostgreSQL, upper-case text (EF's mapping) on SQLite.</summary>
    public static object Id(DbConnection connection, Guid id) =>
        connection is SqliteConnection ? id.ToString().ToUpperInvariant() : id;

    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<string>> StringsAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
