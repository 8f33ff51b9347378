using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data;

/// <summary>
/// PostgreSQL's second wall: before a command runs, the connection's row-level-security settings
/// (<c>tenantra.tenant_ids</c>, <c>tenantra.lookup_hash</c>) are made to match the current
/// <see cref="TenantScope"/> — after every open (a pooled connection never carries an earlier
/// tenant into this scope) and whenever the scope changed since they were last set (a connection
/// held open across a request sees the scope the request entered), and again after a transaction
/// they were set in has ended. An unentered scope sets them
/// empty, which matches no row.
/// </summary>
internal sealed class TenantSessionInterceptor(TenantScope scope) : DbConnectionInterceptor, IDbCommandInterceptor
{
    private const string Sql = "SELECT set_config('tenantra.tenant_ids', @ids, false), set_config('tenantra.lookup_hash', @lookup, false)";

    private string? _applied;

    // The transaction the settings were last set in, if any: a rollback undoes settings made inside a
    // transaction, never those made before it.
    private Guid? _appliedInTransaction;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => _applied = null;

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _applied = null;
        return Task.CompletedTask;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command.Connection!, eventData);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Apply(command.Connection!, eventData);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Apply(command.Connection!, eventData);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command.Connection!, eventData, cancellationToken);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command.Connection!, eventData, cancellationToken);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command.Connection!, eventData, cancellationToken);
        return result;
    }

    private string Wanted => $"{string.Join(',', scope.TenantIds)}|{scope.LookupHash}";

    /// <summary>
    /// Whether the connection's settings may differ from the scope: never set since open, set for
    /// another scope, or set inside a transaction other than the current one (which may have rolled back).
    /// </summary>
    private bool Stale(string wanted, Guid? transaction) =>
        wanted != _applied || (_appliedInTransaction is { } setIn && setIn != transaction);

    private void Apply(DbConnection connection, CommandEventData eventData)
    {
        var wanted = Wanted;
        var transaction = eventData.Context?.Database.CurrentTransaction?.TransactionId;
        if (Stale(wanted, transaction))
        {
            using var command = CreateCommand(connection);
            command.ExecuteNonQuery();
            (_applied, _appliedInTransaction) = (wanted, transaction);
        }
    }

    private async Task ApplyAsync(DbConnection connection, CommandEventData eventData, CancellationToken cancellationToken)
    {
        var wanted = Wanted;
        var transaction = eventData.Context?.Database.CurrentTransaction?.TransactionId;
        if (Stale(wanted, transaction))
        {
            await using var command = CreateCommand(connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            (_applied, _appliedInTransaction) = (wanted, transaction);
        }
    }

    private DbCommand CreateCommand(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        AddParameter(command, "ids", string.Join(',', scope.TenantIds));
        AddParameter(command, "lookup", scope.LookupHash ?? "");
        return command;
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
