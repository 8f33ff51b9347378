using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>Engine differences that hand-written migrations need, in one place.</summary>
internal static class MigrationBuilderExtensions
{
    public static bool IsPostgres(this MigrationBuilder builder) => builder.ActiveProvider == TenantraDbContext.PostgresProviderName;

    /// <summary>Store type of a <see cref="DateTimeOffset"/> column: UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
    public static string? TimestampType(this MigrationBuilder builder) => builder.IsPostgres() ? null : "INTEGER";

    /// <summary>
    /// Row-level security for a tenant-scoped table on PostgreSQL: enabled and forced (so the owner
    /// is held too), rows visible and writable only for the tenants in <c>tenantra.tenant_ids</c>.
    /// With <paramref name="lookupColumn"/>, the one row whose secret hash equals
    /// <c>tenantra.lookup_hash</c> is readable as well.
    /// </summary>
    public static void TenantRowLevelSecurity(this MigrationBuilder builder, string table, string? lookupColumn = null)
    {
        if (!builder.IsPostgres())
        {
            return;
        }

        const string inScope = "tenant_id = ANY (string_to_array(nullif(current_setting('tenantra.tenant_ids', true), ''), ',')::uuid[])";
        var readable = lookupColumn is null
            ? inScope
            : $"{inScope} OR {lookupColumn} = nullif(current_setting('tenantra.lookup_hash', true), '')";
        builder.Sql($"""
            ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_read ON {table} FOR SELECT USING ({readable});
            CREATE POLICY tenant_insert ON {table} FOR INSERT WITH CHECK ({inScope});
            CREATE POLICY tenant_update ON {table} FOR UPDATE USING ({inScope}) WITH CHECK ({inScope});
            CREATE POLICY tenant_delete ON {table} FOR DELETE USING ({inScope});
            """);
    }

    /// <summary>
    /// On PostgreSQL, gives the application role <c>tenantra_app</c> data access and nothing more:
    /// it owns no table, so it cannot alter schema or switch row-level security off. Tables created
    /// by later migrations get the same grants through default privileges. The role is created
    /// (NOLOGIN) when missing and the migrating role may create roles; operators grant it to the
    /// login role the server uses (docs/operations.md).
    /// </summary>
    public static void GrantApplicationRole(this MigrationBuilder builder)
    {
        if (!builder.IsPostgres())
        {
            return;
        }

        builder.Sql("""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantra_app') THEN
                    CREATE ROLE tenantra_app NOLOGIN NOBYPASSRLS;
                END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO tenantra_app;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tenantra_app;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tenantra_app;
            REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM tenantra_app;
            """);
    }
}
