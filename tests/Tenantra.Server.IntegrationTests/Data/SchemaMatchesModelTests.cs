using Microsoft.Extensions.Logging.Abstractions;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>
/// The migrations are written by hand, so nothing but this test keeps them and the EF model in
/// step: after migrating, the database must have exactly the tables, columns (type and
/// nullability), primary keys, indexes and foreign keys the model maps to, on the engine under test.
/// </summary>
public sealed class SchemaMatchesModelTests
{
    private static readonly string[] s_tables =
    [
        "agent_nonces", "api_tokens", "asset_groups", "asset_states", "assets", "audit_alerts", "audit_anchors", "audit_archive_segments", "audit_chain_heads", "audit_detection_states", "audit_records", "audit_signing_keys",
        "collection_intervals", "data_protection_keys", "enrollment_tokens", "export_files", "feature_overrides", "integrity_baselines", "integrity_event_comments",
        "integrity_events", "integrity_rules", "integrity_suppressions", "invitations", "jobs",
        "membership_customers", "memberships", "notification_attempts", "notification_deliveries", "notification_endpoints", "notification_events",
        "notification_rules", "notification_schedules", "payload_keys", "recovery_codes", "snapshots", "tenants", "users", "worker_heartbeats",
    ];

    [Fact]
    public async Task Migrated_schema_matches_the_model()
    {
        await using var database = await TestDatabase.CreateAsync();
        var options = OwnerConnection.Options(database);
        await new DatabaseMigrator(options, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

        var expected = await TenantraSchema.ExpectedAsync(options);
        var actual = await TenantraSchema.ActualAsync(database);
        var differences = SchemaComparer.Compare(expected, actual);

        Assert.True(differences.Count == 0, TenantraSchema.Report(differences));
        // Both sides really were read: every table, with its columns, keys and indexes.
        Assert.Equal(s_tables, expected.Tables.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(s_tables, actual.Tables.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(actual.Tables, t => Assert.NotNull(t.PrimaryKey));
        Assert.Equal(19, actual.Find("audit_records")!.Columns.Count);
        Assert.Equal(8, actual.Find("audit_records")!.Indexes.Count);
        Assert.Equal(2, actual.Find("tenants")!.ForeignKeys.Concat(actual.Find("users")!.ForeignKeys).Count());
    }

    [Fact]
    public async Task Comparison_reports_exactly_a_column_and_indexes_changed_behind_the_models_back()
    {
        await using var database = await TestDatabase.CreateAsync();
        await new DatabaseMigrator(OwnerConnection.Options(database), NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        await using (var connection = await OwnerConnection.OpenAsync(database))
        {
            await OwnerConnection.ExecuteAsync(connection, "ALTER TABLE tenants ADD COLUMN extra integer");
            await OwnerConnection.ExecuteAsync(connection, "DROP INDEX ix_users_home_tenant_id");
            await OwnerConnection.ExecuteAsync(connection, "CREATE UNIQUE INDEX ix_tenants_extra ON tenants (extra)");
        }

        var differences = await TenantraSchema.DifferencesAsync(database);

        Assert.Equal(
            new[]
            {
                ("tenants", "column extra", SchemaDifferenceKind.Unexpected),
                ("tenants", "index ix_tenants_extra", SchemaDifferenceKind.Unexpected),
                ("users", "index ix_users_home_tenant_id", SchemaDifferenceKind.Missing),
            },
            differences.Select(d => (d.Table, d.Subject, d.Kind)).Order());
        Assert.Equal("integer NULL", differences.Single(d => d.Subject == "column extra").Detail);
        Assert.Equal("tenants: column extra is in the database but not in the model: integer NULL", differences.Single(d => d.Subject == "column extra").ToString());
    }

    [Fact]
    public async Task Comparison_reports_type_nullability_key_foreign_key_and_table_differences()
    {
        // Engine-independent: the model is read without connecting, the "database" is the model altered in memory.
        var model = await TenantraSchema.ExpectedAsync(new DatabaseOptions { Postgres = "Host=unused.invalid;Database=unused" });
        var tenants = model.Find("tenants")!;
        var users = model.Find("users")!;
        var altered = new DatabaseSchema(
        [
            .. model.Tables.Where(t => t.Name is not "tenants" and not "users" and not "worker_heartbeats"),
            tenants with
            {
                Columns = [.. tenants.Columns.Select(c => c.Name == "name" ? c with { StoreType = "text" } : c)],
                PrimaryKey = tenants.PrimaryKey! with { Columns = ["id", "name"] },
                ForeignKeys = [.. tenants.ForeignKeys.Select(f => f with { OnDelete = "CASCADE" })],
            },
            users with
            {
                Columns = [.. users.Columns.Select(c => c.Name == "email" ? c with { IsNullable = true } : c)],
                Indexes = [.. users.Indexes.Select(i => i.Name == "ix_users_normalized_email" ? i with { IsUnique = false } : i)],
            },
        ]);

        var differences = SchemaComparer.Compare(model, altered);

        Assert.Equal(
            new[]
            {
                ("tenants", "column name", SchemaDifferenceKind.Different),
                ("tenants", "foreign key (parent_id)", SchemaDifferenceKind.Different),
                ("tenants", "primary key", SchemaDifferenceKind.Different),
                ("users", "column email", SchemaDifferenceKind.Different),
                ("users", "index ix_users_normalized_email", SchemaDifferenceKind.Different),
                ("worker_heartbeats", "table", SchemaDifferenceKind.Missing),
            },
            differences.Select(d => (d.Table, d.Subject, d.Kind)).Order());
        Assert.Equal("type is 'text' in the database, 'character varying(200)' in the model", differences.Single(d => d.Subject == "column name").Detail);
        Assert.Equal("NULL in the database, NOT NULL in the model", differences.Single(d => d.Subject == "column email").Detail);
        Assert.Empty(SchemaComparer.Compare(model, model));
    }
}
