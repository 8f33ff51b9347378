using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>
/// The first isolation wall, checked for completeness: every tenant-scoped entity is filtered,
/// its keys and indexes lead with tenant_id, the filter is bypassed nowhere but in the files listed
/// here, and a scope sees exactly its tenant's rows (none when not entered).
/// </summary>
public sealed partial class QueryFilterCoverageTests(TenantRowsFixture rows) : IClassFixture<TenantRowsFixture>
{
    private const string TenantIdColumn = "tenant_id";

    /// <summary>
    /// Indexes of tenant-scoped tables that may lead with another column. Each is a unique lookup
    /// on the hash of a secret the caller presents, read before the tenant is known (the one row
    /// <see cref="ISecretLookup"/> lets through both walls), so tenant_id cannot lead it.
    /// </summary>
    private static readonly HashSet<string> s_secretLookupIndexes =
    [
        // Bearer authentication finds the token by the hash of the presented secret.
        "api_tokens(secret_hash)",

        // Preview and accept find the invitation by the hash of the link token.
        "invitations(token_hash)",

        // Agent enrollment finds the token by the hash of the presented secret.
        "enrollment_tokens(secret_hash)",

        // A signed agent request finds its asset by the agent id in its header (then checks the signature).
        "assets(agent_lookup)",
    ];

    /// <summary>
    /// The only source files that may bypass the query filter or run SQL by hand, with what each
    /// uses. A new use fails this list: review it for isolation, then add it here with its reason.
    /// </summary>
    private static readonly SortedDictionary<string, string[]> s_rawSqlAllowList = new(StringComparer.Ordinal)
    {
        // Creates or locks the tenant's audit chain head in one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING), which
        // cannot be composed with the query filter; it runs only after checking the tenant is in scope, and RLS still applies.
        ["src/Tenantra.Data/Audit/AuditChainAppender.cs"] = ["FromSql", "IgnoreQueryFilters"],

        // PRAGMA journal_mode=WAL on SQLite, with the migrating connection; touches no rows.
        ["src/Tenantra.Data/DatabaseMigrator.cs"] = ["ExecuteSqlRawAsync"],

        // Claims jobs in one UPDATE … RETURNING (FOR UPDATE SKIP LOCKED on PostgreSQL). The jobs table is platform
        // infrastructure, not tenant-scoped; every value is a parameter; handlers run in their job's tenant scope.
        ["src/Tenantra.Data/Jobs/JobClaims.cs"] = ["FromSqlRaw"],

        // Takes a tenant's oldest unrouted notification events (FOR UPDATE SKIP LOCKED on PostgreSQL), which cannot be
        // composed with the query filter; it names the tenant, refuses one outside the scope, and RLS still applies.
        ["src/Tenantra.Data/Notifications/UnroutedEvents.cs"] = ["SqlQueryRaw"],

        // Full-text search over audit records (tsquery on PostgreSQL, FTS5 MATCH on SQLite) as a FromSql root that EF
        // composes with the query filter and the caller's tenant condition; the search text is only words, as a parameter.
        // And SET LOCAL plan_cache_mode for a filtered list's read transaction; touches no rows.
        // On PostgreSQL it first asks audit_search_matches for one tenant's matches (a tenant in the session's scope only).
        ["src/Tenantra.Server/Audit/AuditSearch.cs"] = ["ExecuteSqlRawAsync", "FromSql", "SqlQuery"],

        // Archiving releases a segment's live records on PostgreSQL through audit_archive_release (as the owner: the
        // application role cannot delete audit records), which refuses a tenant outside the session's scope and any range
        // that is not exactly one existing segment of that tenant; the values are parameters.
        ["src/Tenantra.Server/Audit/AuditArchiver.cs"] = ["SqlQuery"],
    };

    [Fact]
    public async Task Every_tenant_scoped_entity_is_mapped_and_has_a_query_filter()
    {
        var declared = typeof(ITenantScoped).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITenantScoped).IsAssignableFrom(t))
            .Select(t => t.Name).Order().ToList();
        var (mapped, unfiltered) = await rows.App.InPlatformAsync(db =>
        {
            var entities = TenantRowsFixture.TenantScopedEntities(db);
            return Task.FromResult((
                entities.Select(e => e.ClrType.Name).Order().ToList(),
                entities.Where(e => e.GetDeclaredQueryFilters().Count == 0).Select(e => e.ClrType.Name).ToList()));
        });

        Assert.Equal(
            ["AgentNonce", "ApiToken", "Asset", "AssetGroup", "AssetState", "AuditAlert", "AuditAnchor", "AuditArchiveSegment", "AuditChainHead", "AuditDetectionState", "AuditRecord", "CollectionInterval", "EnrollmentToken", "ExportFile", "FeatureOverride",
                "IntegrityBaseline", "IntegrityEvent", "IntegrityEventComment", "IntegrityRule", "IntegritySuppression", "Invitation",
                "NotificationAttempt", "NotificationDelivery", "NotificationEndpoint", "NotificationEvent", "NotificationRule", "NotificationSchedule", "SnapshotRecord"],
            declared);
        Assert.Equal(declared, mapped);
        Assert.Empty(unfiltered);
    }

    [Fact]
    public async Task Tenant_id_leads_the_primary_key_and_every_index_of_tenant_scoped_tables_in_the_model()
    {
        var violations = await rows.App.InPlatformAsync(db =>
        {
            var found = new List<string>();
            foreach (var entity in TenantRowsFixture.TenantScopedEntities(db))
            {
                var table = entity.GetTableName()!;
                var key = Columns(table, entity.FindPrimaryKey()!.Properties);
                if (!LeadsWithTenantId(key))
                {
                    found.Add($"primary key {key}");
                }

                foreach (var index in entity.GetIndexes())
                {
                    var columns = Columns(table, index.Properties);
                    found.AddRange(IndexViolation(columns, index.IsUnique, index.GetDatabaseName()!));
                }
            }

            return Task.FromResult(found);
        });

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task Tenant_id_leads_the_primary_key_and_every_index_of_tenant_scoped_tables_in_the_database()
    {
        var violations = new List<string>();
        var indexes = await rows.App.InPlatformAsync(async db =>
        {
            var tables = TenantRowsFixture.TenantScopedEntities(db).Select(e => e.GetTableName()!).ToList();
            await db.Database.OpenConnectionAsync();
            var found = new List<DatabaseIndex>();
            foreach (var table in tables)
            {
                found.AddRange(await IndexesAsync(db.Database.GetDbConnection(), table, db.IsPostgres));
            }

            return found;
        });

        foreach (var index in indexes)
        {
            if (index.IsPrimaryKey && !LeadsWithTenantId(index.Columns))
            {
                violations.Add($"primary key {index.Columns}");
            }
            else if (!index.IsPrimaryKey)
            {
                violations.AddRange(IndexViolation(index.Columns, index.IsUnique, index.Name));
            }
        }

        Assert.Equal(TenantRowsFixture.RowsPerTenant.Keys.Order(), indexes.Where(i => i.IsPrimaryKey).Select(i => i.Table).Order());
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Only_allow_listed_source_files_bypass_the_query_filter_or_run_raw_sql()
    {
        var root = RepositoryPaths.Root;
        var sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var uses = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var file in sources)
        {
            var found = FilterBypass().Matches(File.ReadAllText(file)).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (found.Length > 0)
            {
                uses[Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')] = found;
            }
        }

        Assert.True(sources.Count > 50, $"Only {sources.Count} source files found under {root}/src.");
        Assert.Equal(Describe(s_rawSqlAllowList), Describe(uses));
    }

    [Fact]
    public async Task An_unentered_scope_reads_no_tenant_scoped_rows_although_they_exist()
    {
        await using var scope = rows.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        Assert.False(db.Scope.IsEntered);

        var visible = await TenantRowsFixture.VisibleTenantIdsAsync(db);

        Assert.Equal(TenantRowsFixture.RowsPerTenant.Keys.Order(), visible.Keys.Order());
        Assert.All(visible, table => Assert.True(table.Value.Count == 0, $"{table.Key}: {table.Value.Count} rows visible without a tenant."));
        foreach (var tenantId in new[] { rows.A, rows.B, rows.C })
        {
            var own = await rows.App.InTenantAsync(tenantId, services => TenantRowsFixture.VisibleTenantIdsAsync(services.GetRequiredService<TenantraDbContext>()));
            Assert.All(TenantRowsFixture.RowsPerTenant, expected => Assert.Equal(expected.Value, own[expected.Key].Count));
        }
    }

    [Fact]
    public async Task A_scope_entered_for_a_tenant_reads_exactly_that_tenant_rows()
    {
        foreach (var tenantId in new[] { rows.A, rows.B, rows.C })
        {
            var visible = await rows.App.InTenantAsync(tenantId, services => TenantRowsFixture.VisibleTenantIdsAsync(services.GetRequiredService<TenantraDbContext>()));

            foreach (var (table, expected) in TenantRowsFixture.RowsPerTenant)
            {
                Assert.True(visible[table].Count == expected, $"{table} in {tenantId}: {visible[table].Count} rows, expected {expected}.");
                Assert.All(visible[table], owner => Assert.Equal(tenantId, owner));
            }
        }
    }

    [Fact]
    public async Task A_secret_lookup_lets_through_only_the_row_with_that_hash()
    {
        await using var scope = rows.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        db.Scope.AllowLookup(rows.TokenHashOf(rows.B));

        var visible = await TenantRowsFixture.VisibleTenantIdsAsync(db);

        Assert.Equal([rows.B], visible["api_tokens"]);
        Assert.All(visible.Where(t => t.Key != "api_tokens"), table => Assert.True(table.Value.Count == 0, $"{table.Key}: {table.Value.Count} rows visible through a token lookup."));
    }

    [Fact]
    public async Task A_scope_entered_after_the_context_was_created_still_holds_its_queries()
    {
        await using var scope = rows.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        Assert.Empty((await TenantRowsFixture.VisibleTenantIdsAsync(db))["audit_records"]);

        scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(rows.C);
        var visible = await TenantRowsFixture.VisibleTenantIdsAsync(db);

        Assert.All(TenantRowsFixture.RowsPerTenant, expected => Assert.Equal(Enumerable.Repeat(rows.C, expected.Value), visible[expected.Key]));
    }

    private static IEnumerable<string> IndexViolation(string columns, bool unique, string name)
    {
        if (s_secretLookupIndexes.Contains(columns))
        {
            return unique ? [] : [$"index {name} {columns} is a secret lookup but not unique"];
        }

        return LeadsWithTenantId(columns) ? [] : [$"index {name} {columns} does not lead with {TenantIdColumn}"];
    }

    /// <summary>Whether <c>table(a,b)</c> starts with the tenant column.</summary>
    private static bool LeadsWithTenantId(string columns) =>
        columns[(columns.IndexOf('(', StringComparison.Ordinal) + 1)..^1].Split(',')[0] == TenantIdColumn;

    private static string Columns(string table, IReadOnlyList<IProperty> properties) =>
        $"{table}({string.Join(",", properties.Select(p => p.GetColumnName()))})";

    private static async Task<List<DatabaseIndex>> IndexesAsync(DbConnection connection, string table, bool postgres)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? """
              SELECT i.relname, x.indisprimary, x.indisunique, k.ord::int, a.attname
              FROM pg_index x
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_class i ON i.oid = x.indexrelid
              CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
              WHERE t.relname = @table AND t.relnamespace = 'public'::regnamespace
              """
            : """
              SELECT il.name, il.origin = 'pk', il."unique", ii.seqno, ii.name
              FROM pragma_index_list(@table) AS il, pragma_index_info(il.name) AS ii
              """;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        var columns = new List<(string Index, bool Primary, bool Unique, int Position, string Column)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), Convert.ToBoolean(reader.GetValue(1)), Convert.ToBoolean(reader.GetValue(2)), Convert.ToInt32(reader.GetValue(3)), reader.GetString(4)));
            }
        }

        return [.. columns.GroupBy(c => c.Index).Select(g => new DatabaseIndex(
            table, g.Key, g.First().Primary, g.First().Unique, $"{table}({string.Join(",", g.OrderBy(c => c.Position).Select(c => c.Column))})"))];
    }

    private static string Describe(IDictionary<string, string[]> uses) =>
        string.Join(Environment.NewLine, uses.Select(u => $"{u.Key}: {string.Join(", ", u.Value)}"));

    [GeneratedRegex(@"\b(IgnoreQueryFilters|FromSql\w*|ExecuteSql\w*|SqlQuery\w*)\b")]
    private static partial Regex FilterBypass();

    private sealed record DatabaseIndex(string Table, string Name, bool IsPrimaryKey, bool IsUnique, string Columns);
}
