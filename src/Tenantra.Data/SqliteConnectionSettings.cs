using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tenantra.Data;

/// <summary>
/// Per-connection SQLite settings, applied on every open: <c>busy_timeout</c>, so a writer that finds
/// the database locked by another (jobs run concurrently; so may a second process) waits inside SQLite,
/// which retries within milliseconds, instead of failing to the driver, which sleeps 150 ms per retry.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
