using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>A database schema reduced to what the model decides: tables, columns, keys, indexes, foreign keys.</summary>
public sealed record DatabaseSchema(IReadOnlyList<TableSchema> Tables)
{
    public TableSchema? Find(string table) => Tables.FirstOrDefault(t => t.Name == table);
}

public sealed record TableSchema(
    string Name,
    IReadOnlyList<ColumnSchema> Columns,
    KeySchema? PrimaryKey,
    IReadOnlyList<IndexSchema> Indexes,
    IReadOnlyList<ForeignKeySchema> ForeignKeys);

public sealed record ColumnSchema(string Name, string StoreType, bool IsNullable);

/// <summary>A primary key; <see cref="Name"/> is null when the engine does not keep it.</summary>
public sealed record KeySchema(string? Name, IReadOnlyList<string> Columns)
{
    public override string ToString() => $"{Name ?? "(unnamed)"} ({string.Join(", ", Columns)})";
}

public sealed record IndexSchema(string Name, IReadOnlyList<string> Columns, bool IsUnique)
{
    public override string ToString() => $"{(IsUnique ? "unique " : "")}({string.Join(", ", Columns)})";
}

/// <summary>A foreign key; <see cref="Name"/> is null when the engine does not keep it.</summary>
public sealed record ForeignKeySchema(string? Name, IReadOnlyList<string> Columns, string PrincipalTable, IReadOnlyList<string> PrincipalColumns, string OnDelete)
{
    public string Signature => $"({string.Join(", ", Columns)})";

    public override string ToString() =>
        $"{Name ?? "(unnamed)"} ({string.Join(", ", Columns)}) -> {PrincipalTable} ({string.Join(", ", PrincipalColumns)}) ON DELETE {OnDelete}";
}

public enum SchemaDifferenceKind
{
    /// <summary>In the model, not in the database.</summary>
    Missing,

    /// <summary>In the database, not in the model.</summary>
    Unexpected,

    /// <summary>In both, but different.</summary>
    Different,
}

/// <summary>One disagreement, e.g. table <c>tenants</c>, subject <c>column extra</c>, kind Unexpected.</summary>
public sealed record SchemaDifference(string Table, string Subject, SchemaDifferenceKind Kind, string Detail)
{
    public override string ToString() => $"{Table}: {Subject} {Kind switch
    {
        SchemaDifferenceKind.Missing => "is in the model but not in the database",
        SchemaDifferenceKind.Unexpected => "is in the database but not in the model",
        _ => "differs",
    }}: {Detail}";
}

/// <summary>
/// Compares the schema the EF model expects with the one the hand-written migrations produced.
/// Store types are compared after normalising case and engine aliases (SQLite <c>TEXT</c> and
/// <c>text</c>, PostgreSQL <c>varchar(n)</c> and <c>character varying(n)</c>); column order is ignored.
/// </summary>
public static partial class SchemaComparer
{
    /// <summary>The schema <paramref name="context"/>'s model maps to, on the context's engine.</summary>
    public static DatabaseSchema Expected(DbContext context)
    {
        var tables = new List<TableSchema>();
        foreach (var table in context.Model.GetRelationalModel().Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var columns = table.Columns.Select(c => new ColumnSchema(c.Name, NormaliseType(c.StoreType), c.IsNullable)).ToList();
            var primaryKey = table.PrimaryKey is { } pk ? new KeySchema(pk.Name, [.. pk.Columns.Select(c => c.Name)]) : null;
            var indexes = table.Indexes.Select(i => new IndexSchema(i.Name, [.. i.Columns.Select(c => c.Name)], i.IsUnique))
                .Concat(table.UniqueConstraints.Where(u => !u.GetIsPrimaryKey()).Select(u => new IndexSchema(u.Name, [.. u.Columns.Select(c => c.Name)], true)))
                .ToList();
            var foreignKeys = table.ForeignKeyConstraints
                .Select(f => new ForeignKeySchema(f.Name, [.. f.Columns.Select(c => c.Name)], f.PrincipalTable.Name, [.. f.PrincipalColumns.Select(c => c.Name)], OnDeleteName(f.OnDeleteAction)))
                .ToList();
            tables.Add(new TableSchema(table.Name, columns, primaryKey, indexes, foreignKeys));
        }

        return new DatabaseSchema(tables);
    }

    /// <summary>Every difference between <paramref name="expected"/> (the model) and <paramref name="actual"/> (the database).</summary>
    public static IReadOnlyList<SchemaDifference> Compare(DatabaseSchema expected, DatabaseSchema actual)
    {
        var differences = new List<SchemaDifference>();
        foreach (var table in expected.Tables)
        {
            if (actual.Find(table.Name) is { } found)
            {
                CompareTable(table, found, differences);
            }
            else
            {
                differences.Add(new(table.Name, "table", SchemaDifferenceKind.Missing, $"{table.Columns.Count} columns"));
            }
        }

        foreach (var table in actual.Tables.Where(t => expected.Find(t.Name) is null))
        {
            differences.Add(new(table.Name, "table", SchemaDifferenceKind.Unexpected, $"{table.Columns.Count} columns"));
        }

        return differences;
    }

    /// <summary>Lower case, single spaces, and PostgreSQL's short type names spelled out.</summary>
    public static string NormaliseType(string storeType)
    {
        var type = WhiteSpace().Replace(storeType.Trim().ToLowerInvariant(), " ");
        type = VarcharAlias().Replace(type, "character varying(");
        return type switch
        {
            "varchar" => "character varying",
            "timestamptz" => "timestamp with time zone",
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "int2" => "smallint",
            "bool" => "boolean",
            "float8" => "double precision",
            _ => type,
        };
    }

    public static string OnDeleteName(ReferentialAction action) => action switch
    {
        ReferentialAction.NoAction => "NO ACTION",
        ReferentialAction.Restrict => "RESTRICT",
        ReferentialAction.Cascade => "CASCADE",
        ReferentialAction.SetNull => "SET NULL",
        ReferentialAction.SetDefault => "SET DEFAULT",
        _ => action.ToString().ToUpperInvariant(),
    };

    private static void CompareTable(TableSchema expected, TableSchema actual, List<SchemaDifference> differences)
    {
        var table = expected.Name;
        foreach (var column in expected.Columns)
        {
            var found = actual.Columns.FirstOrDefault(c => c.Name == column.Name);
            if (found is null)
            {
                differences.Add(new(table, $"column {column.Name}", SchemaDifferenceKind.Missing, Describe(column)));
                continue;
            }

            if (found.StoreType != column.StoreType)
            {
                differences.Add(new(table, $"column {column.Name}", SchemaDifferenceKind.Different, $"type is '{found.StoreType}' in the database, '{column.StoreType}' in the model"));
            }

            if (found.IsNullable != column.IsNullable)
            {
                differences.Add(new(table, $"column {column.Name}", SchemaDifferenceKind.Different, $"{Nullability(found)} in the database, {Nullability(column)} in the model"));
            }
        }

        foreach (var column in actual.Columns.Where(c => expected.Columns.All(e => e.Name != c.Name)))
        {
            differences.Add(new(table, $"column {column.Name}", SchemaDifferenceKind.Unexpected, Describe(column)));
        }

        CompareKey(table, expected.PrimaryKey, actual.PrimaryKey, differences);

        foreach (var index in expected.Indexes)
        {
            var found = actual.Indexes.FirstOrDefault(i => i.Name == index.Name);
            if (found is null)
            {
                differences.Add(new(table, $"index {index.Name}", SchemaDifferenceKind.Missing, index.ToString()));
            }
            else if (!found.Columns.SequenceEqual(index.Columns) || found.IsUnique != index.IsUnique)
            {
                differences.Add(new(table, $"index {index.Name}", SchemaDifferenceKind.Different, $"{found} in the database, {index} in the model"));
            }
        }

        foreach (var index in actual.Indexes.Where(i => expected.Indexes.All(e => e.Name != i.Name)))
        {
            differences.Add(new(table, $"index {index.Name}", SchemaDifferenceKind.Unexpected, index.ToString()));
        }

        // Matched by columns: SQLite keeps no foreign key names, so names are compared only when both sides have one.
        foreach (var foreignKey in expected.ForeignKeys)
        {
            var found = actual.ForeignKeys.FirstOrDefault(f => f.Columns.SequenceEqual(foreignKey.Columns));
            if (found is null)
            {
                differences.Add(new(table, $"foreign key {foreignKey.Signature}", SchemaDifferenceKind.Missing, foreignKey.ToString()));
            }
            else if (found.PrincipalTable != foreignKey.PrincipalTable
                || !found.PrincipalColumns.SequenceEqual(foreignKey.PrincipalColumns)
                || found.OnDelete != foreignKey.OnDelete
                || (found.Name is not null && foreignKey.Name is not null && found.Name != foreignKey.Name))
            {
                differences.Add(new(table, $"foreign key {foreignKey.Signature}", SchemaDifferenceKind.Different, $"{found} in the database, {foreignKey} in the model"));
            }
        }

        foreach (var foreignKey in actual.ForeignKeys.Where(f => expected.ForeignKeys.All(e => !e.Columns.SequenceEqual(f.Columns))))
        {
            differences.Add(new(table, $"foreign key {foreignKey.Signature}", SchemaDifferenceKind.Unexpected, foreignKey.ToString()));
        }
    }

    private static void CompareKey(string table, KeySchema? expected, KeySchema? actual, List<SchemaDifference> differences)
    {
        if (expected is null && actual is null)
        {
            return;
        }

        if (expected is null || actual is null)
        {
            differences.Add(new(table, "primary key", expected is null ? SchemaDifferenceKind.Unexpected : SchemaDifferenceKind.Missing, (expected ?? actual)!.ToString()));
            return;
        }

        if (!expected.Columns.SequenceEqual(actual.Columns) || (actual.Name is not null && actual.Name != expected.Name))
        {
            differences.Add(new(table, "primary key", SchemaDifferenceKind.Different, $"{actual} in the database, {expected} in the model"));
        }
    }

    private static string Describe(ColumnSchema column) => $"{column.StoreType} {Nullability(column)}";

    private static string Nullability(ColumnSchema column) => column.IsNullable ? "NULL" : "NOT NULL";

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^varchar\(")]
    private static partial Regex VarcharAlias();
}
