using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenantra.Core.Audit;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>
/// The second isolation wall. On PostgreSQL each test talks to the database directly, as the
/// application role <c>tenantra_app</c> (and the schema owner where that proves a point), and
/// asserts forced row-level security, grants and session settings. SQLite has no second wall,
/// so there each test asserts the first wall's counterpart through <see cref="TenantraDbContext"/>:
/// both engines run real assertions, nothing is skipped.
/// </summary>
public sealed class PostgresRowLevelSecurityTests(TenantRowsFixture rows) : IClassFixture<TenantRowsFixture>
{
    private const string InsufficientPrivilege = "42501";
    private const string TenantSetting = "tenantra.tenant_ids";

    [Fact]
    public async Task A_connection_without_a_tenant_reads_no_tenant_scoped_row_although_rows_of_several_tenants_exist()
    {
        var tables = await TablesAsync();
        if (TestDatabase.UsePostgres)
        {
            await using var unset = await OpenAsync(Fresh());
            await using var all = await OpenAsync(Fresh(), tenants: [rows.A, rows.B, rows.C]);
            foreach (var table in tables)
            {
                Assert.True(await CountAsync(unset, table) == 0, $"{table}: rows visible with no tenant set.");
                var owners = await TenantIdsAsync(all, table);
                Assert.Equal(3 * TenantRowsFixture.RowsPerTenant[table], owners.Count);
                Assert.Equal(3, owners.Distinct().Count());
            }
        }
        else
        {
            await using var scope = rows.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var unfiltered = await TenantRowsFixture.VisibleTenantIdsAsync(db, ignoreQueryFilters: true);
            var visible = await TenantRowsFixture.VisibleTenantIdsAsync(db);
            Assert.Equal(tables, visible.Keys.Order());
            foreach (var table in tables)
            {
                Assert.Superset(new HashSet<Guid> { rows.A, rows.B, rows.C }, unfiltered[table].ToHashSet());
                Assert.True(visible[table].Count == 0, $"{table}: rows visible outside any tenant scope.");
            }
        }
    }

    /// <summary>
    /// The words of audit records (full-text search) sit outside the policies on PostgreSQL, so that
    /// their index can be used: the application role cannot read them, only ask the owner's function,
    /// which answers for the session's tenants alone. On SQLite the query filter confines the search.
    /// </summary>
    [Fact]
    public async Task Full_text_search_over_audit_records_answers_only_for_the_tenants_in_scope()
    {
        if (TestDatabase.UsePostgres)
        {
            await using var a = await OpenAsync(Fresh(), tenants: [rows.A]);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => CountAsync(a, "audit_records_search"));
            Assert.Equal(InsufficientPrivilege, refused.SqlState);
            string Matches(Guid tenant) => $"SELECT count(*) FROM audit_search_matches('{tenant}', to_tsquery('simple', 'seeded'), 100)";
            Assert.Equal(2L, await ScalarAsync(a, Matches(rows.A)));
            Assert.Equal(0L, await ScalarAsync(a, Matches(rows.B)));
            await using var ab = await OpenAsync(Fresh(), tenants: [rows.A, rows.B]);
            Assert.Equal(2L, await ScalarAsync(ab, Matches(rows.B)));
            await using var none = await OpenAsync(Fresh());
            Assert.Equal(0L, await ScalarAsync(none, Matches(rows.A)));
        }
        else
        {
            var found = await rows.App.InTenantAsync(rows.A, async services =>
                await (await AuditSearch.MatchingAsync(services.GetRequiredService<TenantraDbContext>(), rows.A, "seeded")).Records.Select(r => r.TenantId).ToListAsync());
            Assert.Equal([rows.A, rows.A], found);
        }
    }

    /// <summary>
    /// Archiving is the one way records leave the live table: on PostgreSQL the application role cannot
    /// delete records or segments, and the owner's <c>audit_archive_release</c> deletes only the exact range
    /// of an existing segment of a tenant in the session's scope. On SQLite the query filter keeps one
    /// tenant's segments from another.
    /// </summary>
    [Fact]
    public async Task Audit_records_leave_the_live_table_only_as_an_existing_segment_of_a_tenant_in_scope()
    {
        if (TestDatabase.UsePostgres)
        {
            await using var a = await OpenAsync(Fresh(), tenants: [rows.A]);
            foreach (var statement in new[]
            {
                "DELETE FROM audit_archive_segments WHERE tenant_id = @tenant",
                "UPDATE audit_archive_segments SET content = '\\x00' WHERE tenant_id = @tenant",
                // Records 2 and 3 are live; no segment holds them.
                "SELECT audit_archive_release(@tenant, 2, 3)",
                // Record 1 is B's segment, but B is not in this session's scope.
                $"SELECT audit_archive_release('{rows.B}', 1, 1)",
            })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(a, statement, ("tenant", rows.A)));
                Assert.True(refused.SqlState == InsufficientPrivilege, $"{statement}: {refused.SqlState} {refused.MessageText}");
            }

            // A's own segment: its records are gone already, so there is nothing left to release.
            Assert.Equal(0L, await ScalarAsync(a, "SELECT audit_archive_release(@tenant, 1, 1)", ("tenant", rows.A)));
            Assert.Equal((long)TenantRowsFixture.RowsPerTenant["audit_records"], await CountAsync(a, "audit_records"));
        }
        else
        {
            var seen = await rows.App.InTenantAsync(rows.A, services =>
                services.GetRequiredService<TenantraDbContext>().AuditArchiveSegments.Select(s => s.TenantId).ToListAsync());
            Assert.Equal([rows.A], seen);
        }
    }

    [Fact]
    public async Task A_connection_scoped_to_one_tenant_reads_only_that_tenant_rows()
    {
        foreach (var tenantId in new[] { rows.A, rows.C })
        {
            var visible = await VisibleAsync([tenantId]);

            foreach (var (table, expected) in TenantRowsFixture.RowsPerTenant)
            {
                Assert.True(visible[table].Count == expected, $"{table} scoped to {tenantId}: {visible[table].Count} rows, expected {expected}.");
                Assert.All(visible[table], owner => Assert.Equal(tenantId, owner));
            }
        }
    }

    [Fact]
    public async Task A_roll_up_scope_reads_exactly_the_rows_of_its_tenants()
    {
        var visible = await VisibleAsync([rows.A, rows.B]);

        foreach (var (table, expected) in TenantRowsFixture.RowsPerTenant)
        {
            Assert.Equal(expected, visible[table].Count(t => t == rows.A));
            Assert.Equal(expected, visible[table].Count(t => t == rows.B));
            Assert.DoesNotContain(rows.C, visible[table]);
        }
    }

    [Fact]
    public async Task A_secret_lookup_reveals_only_the_row_with_that_hash()
    {
        var lookup = rows.InvitationHashOf(rows.C);
        Dictionary<string, List<Guid>> visible;
        if (TestDatabase.UsePostgres)
        {
            await using var connection = await OpenAsync(Fresh());
            await ExecuteAsync(connection, "SELECT set_config('tenantra.lookup_hash', @hash, false)", ("hash", lookup));
            visible = [];
            foreach (var table in await TablesAsync())
            {
                visible[table] = await TenantIdsAsync(connection, table);
            }
        }
        else
        {
            await using var scope = rows.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            db.Scope.AllowLookup(lookup);
            visible = await TenantRowsFixture.VisibleTenantIdsAsync(db);
        }

        Assert.Equal([rows.C], visible["invitations"]);
        Assert.All(visible.Where(t => t.Key != "invitations"), table => Assert.True(table.Value.Count == 0, $"{table.Key}: {table.Value.Count} rows visible through an invitation lookup."));
    }

    [Fact]
    public async Task Writing_an_audit_record_for_another_tenant_is_refused()
    {
        if (TestDatabase.UsePostgres)
        {
            const string insert = """
                INSERT INTO audit_records (tenant_id, sequence, id, occurred_at, action, outcome, previous_hash, hash)
                VALUES (@tenant, 1000000, @id, now(), 'forged', 'Success', @hash, @hash)
                """;
            await AssertInsertRefusedAsync(insert);
        }
        else
        {
            // SQLite's counterpart: the chain appender refuses a record staged outside its tenant's scope.
            await AssertContextWriteRefusedAsync(
                (db, tenantId) => db.StageAudit(new AuditRecord { TenantId = tenantId, Action = "forged", OccurredAt = DateTimeOffset.UtcNow }),
                db => db.AuditRecords.CountAsync(r => r.Action == "forged"));
        }
    }

    [Fact]
    public async Task Writing_a_feature_override_for_another_tenant_is_refused()
    {
        if (TestDatabase.UsePostgres)
        {
            await AssertInsertRefusedAsync("INSERT INTO feature_overrides (tenant_id, feature_key, enabled, updated_at) VALUES (@tenant, 'forged', true, now())");
        }

        // Both engines: the application's own context, scoped to A, must not write B's row.
        await AssertContextWriteRefusedAsync(
            (db, tenantId) => db.FeatureOverrides.Add(new FeatureOverride { TenantId = tenantId, FeatureKey = "forged", Enabled = true, UpdatedAt = DateTimeOffset.UtcNow }),
            db => db.FeatureOverrides.CountAsync(f => f.FeatureKey == "forged"));
    }

    [Fact]
    public async Task The_application_role_cannot_bypass_row_security_and_owns_no_table()
    {
        if (TestDatabase.UsePostgres)
        {
            await using var connection = await OpenAsync(Fresh(), tenants: [rows.A]);
            var role = await QueryAsync(connection, "SELECT current_user::text, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user");
            Assert.Equal(new object?[] { "tenantra_app", false, false }, Assert.Single(role));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"));
            foreach (var table in await TablesAsync())
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, $"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"));
                Assert.Equal(InsufficientPrivilege, refused.SqlState);
            }
        }
        else
        {
            // SQLite has no roles; the counterpart is that the application's context carries the filter on every tenant-scoped table.
            var unfiltered = await rows.App.InPlatformAsync(db => Task.FromResult(TenantRowsFixture.TenantScopedEntities(db)
                .Where(e => e.GetDeclaredQueryFilters().Count == 0).Select(e => e.GetTableName()).ToList()));
            Assert.Empty(unfiltered);
        }
    }

    [Fact]
    public async Task Row_security_is_enabled_and_forced_on_every_tenant_scoped_table()
    {
        var tables = await TablesAsync();
        if (TestDatabase.UsePostgres)
        {
            await using var app = await OpenAsync(Fresh());
            var flags = await QueryAsync(app, """
                SELECT relname::text, relrowsecurity, relforcerowsecurity FROM pg_class
                WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname = ANY(@tables) ORDER BY relname
                """, ("tables", tables.ToArray()));
            Assert.Equal(tables.Select(t => new object?[] { t, true, true }), flags);
            var policies = await QueryAsync(app, "SELECT tablename::text, cmd FROM pg_policies WHERE schemaname = 'public' AND tablename = ANY(@tables) ORDER BY 1, 2", ("tables", tables.ToArray()));
            Assert.Equal(tables.SelectMany(t => new[] { "DELETE", "INSERT", "SELECT", "UPDATE" }.Select(c => new object?[] { t, c })), policies);

            // Forced: the schema owner, which owns the tables, is held too.
            await using var owner = await OpenAsync(new NpgsqlConnectionStringBuilder(rows.App.Database.OwnerConnectionString) { Pooling = false }.ConnectionString);
            Assert.Equal((long)tables.Count, await ScalarAsync(owner, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user AND tablename = ANY(@tables)", ("tables", tables.ToArray())));
            foreach (var table in tables)
            {
                Assert.True(await CountAsync(owner, table) == 0, $"{table}: the owner reads rows with no tenant set; row security is not forced.");
            }
        }
        else
        {
            // The counterpart of FORCE: the filter holds for every context the application makes, however it is made.
            await using var scope = rows.App.Services.CreateAsyncScope();
            var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<TenantraDbContext>>();
            await using var handMade = new TenantraDbContext(options, new TenantScope());
            var visible = await TenantRowsFixture.VisibleTenantIdsAsync(handMade);
            Assert.Equal(tables, visible.Keys.Order());
            Assert.All(visible, table => Assert.True(table.Value.Count == 0, $"{table.Key}: a context made by hand reads {table.Value.Count} rows."));
        }
    }

    [Fact]
    public async Task The_application_cannot_rewrite_the_audit_trail_unnoticed()
    {
        var tenantId = await rows.Data.TenantAsync(TenantKind.Customer, rows.Msp);
        await rows.SeedAsync(tenantId);
        Assert.True((await VerifyAsync(tenantId)).IsValid);

        if (TestDatabase.UsePostgres)
        {
            await using var connection = await OpenAsync(Fresh(), tenants: [tenantId]);
            foreach (var statement in new[]
            {
                "UPDATE audit_records SET action = 'tampered' WHERE tenant_id = @tenant",
                "DELETE FROM audit_records WHERE tenant_id = @tenant",
                "TRUNCATE audit_records",
            })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, statement, ("tenant", tenantId)));
                Assert.True(refused.SqlState == InsufficientPrivilege, $"{statement}: {refused.SqlState} {refused.MessageText}");
            }

            var throughContext = await Assert.ThrowsAsync<PostgresException>(() => rows.App.InTenantAsync(tenantId, services =>
                services.GetRequiredService<TenantraDbContext>().AuditRecords.ExecuteUpdateAsync(s => s.SetProperty(r => r.Action, "tampered"))));
            Assert.Equal(InsufficientPrivilege, throughContext.SqlState);
            Assert.True((await VerifyAsync(tenantId)).IsValid);
        }
        else
        {
            // SQLite cannot refuse the change; the hash chain makes it visible.
            // Record 1 is archived; record 2 is the first live one.
            var changed = await rows.App.InTenantAsync(tenantId, services =>
                services.GetRequiredService<TenantraDbContext>().AuditRecords.Where(r => r.Sequence == 2).ExecuteUpdateAsync(s => s.SetProperty(r => r.Action, "tampered")));
            Assert.Equal(1, changed);
            var verification = await VerifyAsync(tenantId);
            Assert.False(verification.IsValid);
            Assert.Equal(2, verification.FirstBadSequence);

            var other = await rows.Data.TenantAsync(TenantKind.Customer, rows.Msp);
            await rows.SeedAsync(other);
            var removed = await rows.App.InTenantAsync(other, async services =>
            {
                var db = services.GetRequiredService<TenantraDbContext>();
                var last = await db.AuditRecords.MaxAsync(r => r.Sequence);
                return await db.AuditRecords.Where(r => r.Sequence == last).ExecuteDeleteAsync();
            });
            Assert.Equal(1, removed);
            Assert.False((await VerifyAsync(other)).IsValid);
        }
    }

    [Fact]
    public async Task A_pooled_connection_never_carries_a_tenant_into_the_next_scope()
    {
        // Through the application: alternate scopes over its pooled connections.
        foreach (var tenantId in new Guid?[] { rows.A, null, rows.B, null, rows.A, null })
        {
            var visible = await AppScopeReadAsync(tenantId, connectionString: null);
            Assert.Equal(tenantId is null ? 0 : TenantRowsFixture.RowsPerTenant["audit_records"], visible.Count);
            Assert.All(visible, owner => Assert.Equal(tenantId, (Guid?)owner));
        }

        if (!TestDatabase.UsePostgres)
        {
            return;
        }

        // Npgsql resets a connection's session when it goes back to the pool.
        var resetting = Pool(noResetOnClose: false);
        int pid;
        await using (var first = await OpenAsync(resetting, tenants: [rows.A]))
        {
            pid = await PidAsync(first);
            Assert.Equal(TenantRowsFixture.RowsPerTenant["audit_records"], await CountAsync(first, "audit_records"));
        }

        await using (var second = await OpenAsync(resetting))
        {
            Assert.Equal(pid, await PidAsync(second));
            Assert.True(await SettingAsync(second) is null or "", "The tenant setting survived the return to the pool.");
            Assert.Equal(0L, await CountAsync(second, "audit_records"));
        }

        // Even a pool that does not reset cannot carry the tenant into the application: its interceptor sets the scope's value on every open.
        var sticky = Pool(noResetOnClose: true);
        await using (var first = await OpenAsync(sticky, tenants: [rows.A]))
        {
            pid = await PidAsync(first);
        }

        await using (var second = await OpenAsync(sticky))
        {
            Assert.Equal(pid, await PidAsync(second));
            Assert.Equal(rows.A.ToString(), await SettingAsync(second));
        }

        Assert.Empty(await AppScopeReadAsync(null, sticky));
        Assert.Equal(Enumerable.Repeat(rows.B, TenantRowsFixture.RowsPerTenant["audit_records"]), await AppScopeReadAsync(rows.B, sticky));
        await using (var after = await OpenAsync(sticky))
        {
            Assert.Equal(pid, await PidAsync(after));
            Assert.Equal(rows.B.ToString(), await SettingAsync(after));
        }
    }

    /// <summary>Reads audit records through the application's context, in a scope for <paramref name="tenantId"/> or in none.</summary>
    private async Task<List<Guid>> AppScopeReadAsync(Guid? tenantId, string? connectionString)
    {
        await using var scope = rows.App.Services.CreateAsyncScope();
        if (tenantId is { } entered)
        {
            scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(entered);
        }

        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        if (connectionString is not null)
        {
            db.Database.SetDbConnection(new NpgsqlConnection(connectionString), contextOwnsConnection: true);
        }

        return await db.AuditRecords.AsNoTracking().Select(r => r.TenantId).ToListAsync();
    }

    /// <summary>Each engine's view of the tenant-scoped tables for a scope over <paramref name="tenants"/>.</summary>
    private async Task<Dictionary<string, List<Guid>>> VisibleAsync(Guid[] tenants)
    {
        if (!TestDatabase.UsePostgres)
        {
            await using var scope = rows.App.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(tenants);
            return await TenantRowsFixture.VisibleTenantIdsAsync(scope.ServiceProvider.GetRequiredService<TenantraDbContext>());
        }

        await using var connection = await OpenAsync(Fresh(), tenants);
        var visible = new Dictionary<string, List<Guid>>();
        foreach (var table in await TablesAsync())
        {
            visible[table] = await TenantIdsAsync(connection, table);
        }

        return visible;
    }

    /// <summary>Raw inserts of B's row as the application role are refused while scoped to A and with no tenant at all; scoped to B the same statement works.</summary>
    private async Task AssertInsertRefusedAsync(string insert)
    {
        foreach (var scopedTo in new Guid[][] { [rows.A], [] })
        {
            await using var connection = await OpenAsync(Fresh(), tenants: scopedTo);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, insert, ("tenant", rows.B), ("id", Guid.NewGuid()), ("hash", new string('f', 64))));
            Assert.True(refused.SqlState == InsufficientPrivilege, $"{refused.SqlState}: {refused.MessageText}");
            Assert.Contains("row-level security", refused.MessageText, StringComparison.Ordinal);
        }

        await using var own = await OpenAsync(Fresh(), tenants: [rows.B]);
        await using var transaction = await own.BeginTransactionAsync();
        Assert.Equal(1, await ExecuteAsync(own, insert, ("tenant", rows.B), ("id", Guid.NewGuid()), ("hash", new string('f', 64))));
        await transaction.RollbackAsync();
    }

    /// <summary>
    /// In A's scope the application's context must refuse to write <paramref name="write"/>'s row for
    /// B, and nothing must reach B; the same write for A itself works (rolled back), so the row is valid.
    /// </summary>
    private async Task AssertContextWriteRefusedAsync(Action<TenantraDbContext, Guid> write, Func<TenantraDbContext, Task<int>> countForged)
    {
        await rows.App.InTenantAsync(rows.A, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            write(db, rows.B);
            var refused = await Record.ExceptionAsync(() => db.SaveChangesAsync());
            await transaction.RollbackAsync();
            Assert.True(refused is not null, "The context scoped to A wrote a row for B.");
            return refused;
        });
        Assert.Equal(0, await rows.App.InTenantAsync(rows.B, services => countForged(services.GetRequiredService<TenantraDbContext>())));

        var written = await rows.App.InTenantAsync(rows.A, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            write(db, rows.A);
            await db.SaveChangesAsync();
            var count = await countForged(db);
            await transaction.RollbackAsync();
            return count;
        });
        Assert.Equal(1, written);
    }

    private Task<AuditChainVerification> VerifyAsync(Guid tenantId) =>
        rows.App.InTenantAsync(tenantId, services => services.GetRequiredService<AuditVerification>().VerifyAsync(tenantId));

    private Task<List<string>> TablesAsync() =>
        rows.App.InPlatformAsync(db => Task.FromResult(TenantRowsFixture.TenantScopedEntities(db).Select(e => e.GetTableName()!).Order(StringComparer.Ordinal).ToList()));

    /// <summary>The application role's connection string, unpooled: every open is a new session.</summary>
    private string Fresh() => new NpgsqlConnectionStringBuilder(rows.App.Database.AppConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>A pool of one connection of the application role, of its own (keyed by the application name).</summary>
    private string Pool(bool noResetOnClose) => new NpgsqlConnectionStringBuilder(rows.App.Database.AppConnectionString)
    {
        MaxPoolSize = 1,
        NoResetOnClose = noResetOnClose,
        ApplicationName = $"rls-test-{Guid.NewGuid():N}",
    }.ConnectionString;

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, Guid[]? tenants = null)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (tenants is not null)
        {
            await ExecuteAsync(connection, $"SELECT set_config('{TenantSetting}', @ids, false)", ("ids", string.Join(',', tenants)));
        }

        return connection;
    }

    private static async Task<int> PidAsync(NpgsqlConnection connection) => (int)(await ScalarAsync(connection, "SELECT pg_backend_pid()"))!;

    private static async Task<string?> SettingAsync(NpgsqlConnection connection) =>
        await ScalarAsync(connection, $"SELECT current_setting('{TenantSetting}', true)") as string;

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table) =>
        (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {table}"))!;

    private static async Task<List<Guid>> TenantIdsAsync(NpgsqlConnection connection, string table) =>
        [.. (await QueryAsync(connection, $"SELECT tenant_id FROM {table}")).Select(row => (Guid)row[0]!)];

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<object?[]>> QueryAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            result.Add(row);
        }

        return result;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
