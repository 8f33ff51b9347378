using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>
/// Reads the schema a database actually has, from the engine's catalog (SQLite pragmas,
/// PostgreSQL's pg_catalog). EF's own migration bookkeeping tables are left out, as are SQLite's
/// internal tables and the indexes SQLite creates by itself for primary keys.
/// </summary>
public static partial class DatabaseSchemaReader
{
    public static Task<DatabaseSchema> ReadAsync(DbConnection connection) => connection switch
    {
        SqliteConnection sqlite => ReadSqliteAsync(sqlite),
        NpgsqlConnection postgres => ReadPostgresAsync(postgres),
        _ => throw new ArgumentException($"No schema reader for {connection.GetType().Name}.", nameof(connection)),
    };

    private static bool IsMigrationBookkeeping(string table) => table.StartsWith("__EFMigrations", StringComparison.Ordinal);

    /// <summary>
    /// Full-text search over audit records lives outside the EF model by design (migration M0008):
    /// <c>audit_records_search</c> — SQLite's FTS5 table with its shadow tables, PostgreSQL's tsvector
    /// table — and on PostgreSQL the records' generated <c>search</c> column.
    /// </summary>
    private static bool IsFullTextSearch(string table, string? column = null) =>
        table.StartsWith("audit_records_search", StringComparison.Ordinal) || (table == "audit_records" && column == "search");

    private static async Task<DatabaseSchema> ReadSqliteAsync(SqliteConnection connection)
    {
        var tables = new List<(string Name, string Sql)>();
        await using (var command = OwnerConnection.Command(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                if (!name.StartsWith("sqlite_", StringComparison.Ordinal) && !IsMigrationBookkeeping(name) && !IsFullTextSearch(name))
                {
                    tables.Add((name, reader.GetString(1)));
                }
            }
        }

        var result = new List<TableSchema>();
        foreach (var (name, sql) in tables)
        {
            var columns = new List<ColumnSchema>();
            var keyColumns = new List<(int Position, string Column)>();
            await using (var command = OwnerConnection.Command(connection, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(@table)", ("table", name)))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    columns.Add(new ColumnSchema(reader.GetString(0), SchemaComparer.NormaliseType(reader.GetString(1)), reader.GetInt64(2) == 0));
                    if (reader.GetInt64(3) > 0)
                    {
                        keyColumns.Add(((int)reader.GetInt64(3), reader.GetString(0)));
                    }
                }
            }

            var primaryKey = keyColumns.Count == 0
                ? null
                : new KeySchema(SqlitePrimaryKeyName().Match(sql) is { Success: true } m ? m.Groups["name"].Value : null, [.. keyColumns.OrderBy(k => k.Position).Select(k => k.Column)]);

            var indexes = new List<IndexSchema>();
            var indexList = new List<(string Name, bool Unique)>();
            await using (var command = OwnerConnection.Command(connection, "SELECT name, \"unique\", origin FROM pragma_index_list(@table)", ("table", name)))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    // origin 'pk': the index SQLite keeps for the primary key, which is compared as the key.
                    if (reader.GetString(2) != "pk")
                    {
                        indexList.Add((reader.GetString(0), reader.GetInt64(1) == 1));
                    }
                }
            }

            foreach (var (indexName, unique) in indexList)
            {
                var indexColumns = new List<string>();
                await using var command = OwnerConnection.Command(connection, "SELECT name FROM pragma_index_info(@index) ORDER BY seqno", ("index", indexName));
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    indexColumns.Add(reader.IsDBNull(0) ? "(expression)" : reader.GetString(0));
                }

                indexes.Add(new IndexSchema(indexName, indexColumns, unique));
            }

            var names = SqliteForeignKeyNames().Matches(sql).ToDictionary(
                m => string.Join(",", m.Groups["columns"].Value.Split(',').Select(c => c.Trim().Trim('"'))),
                m => m.Groups["name"].Value);
            var foreignKeys = new List<ForeignKeySchema>();
            await using (var command = OwnerConnection.Command(connection, "SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(@table) ORDER BY id, seq", ("table", name)))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                var rows = new List<(long Id, string Principal, string From, string To, string OnDelete)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
                }

                foreach (var group in rows.GroupBy(r => r.Id))
                {
                    var from = group.Select(r => r.From).ToList();
                    foreignKeys.Add(new ForeignKeySchema(
                        names.GetValueOrDefault(string.Join(",", from)), from, group.First().Principal, [.. group.Select(r => r.To)], group.First().OnDelete.ToUpperInvariant()));
                }
            }

            result.Add(new TableSchema(name, columns, primaryKey, indexes, foreignKeys));
        }

        return new DatabaseSchema(result);
    }

    private static async Task<DatabaseSchema> ReadPostgresAsync(NpgsqlConnection connection)
    {
        var columns = new Dictionary<string, List<ColumnSchema>>();
        await using (var command = OwnerConnection.Command(connection, """
            SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
            ORDER BY c.relname, a.attnum
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (!IsMigrationBookkeeping(table) && !IsFullTextSearch(table, reader.GetString(1)))
                {
                    Add(columns, table, new ColumnSchema(reader.GetString(1), SchemaComparer.NormaliseType(reader.GetString(2)), !reader.GetBoolean(3)));
                }
            }
        }

        var keys = new Dictionary<string, KeySchema>();
        var indexes = new Dictionary<string, List<IndexSchema>>();
        await using (var command = OwnerConnection.Command(connection, """
            SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary,
                   ARRAY(SELECT coalesce(a.attname::text, '(expression)')
                         FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                         LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                         ORDER BY k.ord)
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')
            ORDER BY t.relname, i.relname
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                if (IsMigrationBookkeeping(table) || IsFullTextSearch(table))
                {
                    continue;
                }

                var indexColumns = reader.GetFieldValue<string[]>(4);
                if (reader.GetBoolean(3))
                {
                    keys[table] = new KeySchema(reader.GetString(1), indexColumns);
                }
                else
                {
                    Add(indexes, table, new IndexSchema(reader.GetString(1), indexColumns, reader.GetBoolean(2)));
                }
            }
        }

        var foreignKeys = new Dictionary<string, List<ForeignKeySchema>>();
        await using (var command = OwnerConnection.Command(connection, """
            SELECT t.relname::text, c.conname::text, p.relname::text, c.confdeltype::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
                   ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class p ON p.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            ORDER BY t.relname, c.conname
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var onDelete = reader.GetString(3) switch
                {
                    "a" => "NO ACTION",
                    "r" => "RESTRICT",
                    "c" => "CASCADE",
                    "n" => "SET NULL",
                    "d" => "SET DEFAULT",
                    var other => other,
                };
                Add(foreignKeys, reader.GetString(0), new ForeignKeySchema(reader.GetString(1), reader.GetFieldValue<string[]>(4), reader.GetString(2), reader.GetFieldValue<string[]>(5), onDelete));
            }
        }

        return new DatabaseSchema([.. columns.Select(c => new TableSchema(
            c.Key, c.Value, keys.GetValueOrDefault(c.Key), indexes.GetValueOrDefault(c.Key) ?? [], foreignKeys.GetValueOrDefault(c.Key) ?? []))]);
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string table, T item)
    {
        if (!map.TryGetValue(table, out var list))
        {
            map[table] = list = [];
        }

        list.Add(item);
    }

    [GeneratedRegex("""CONSTRAINT\s+"?(?<name>[^"\s]+)"?\s+PRIMARY\s+KEY""", RegexOptions.IgnoreCase)]
    private static partial Regex SqlitePrimaryKeyName();

    [GeneratedRegex("""CONSTRAINT\s+"?(?<name>[^"\s]+)"?\s+FOREIGN\s+KEY\s*\((?<columns>[^)]*)\)""", RegexOptions.IgnoreCase)]
    private static partial Regex SqliteForeignKeyNames();
}
