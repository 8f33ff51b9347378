using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data;

/// <summary>
/// PostgreSQL's second wall: every time a connection is opened for this unit of work, the
/// row-level-security settings are set from the current <see cref="TenantScope"/>. Setting them
/// on every open (not once per pooled connection) means a pooled connection can never carry an
/// earlier tenant into this scope; an unentered scope sets them empty, which matches no row.
/// </summary>
internal sealed class TenantSessionInterceptor(TenantScope scope) : DbConnectionInterceptor
{
    private const string Sql = "SELECT set_config('tenantra.tenant_ids', @ids, false), set_config('tenantra.lookup_hash', @lookup, false)";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreateCommand(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
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
