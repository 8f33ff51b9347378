using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// The audit log: signed anchors over each tenant's chain (tenant-scoped, append-only for the
/// application like the records) and the keys that sign them (platform-wide, append-only); indexes
/// for the viewer's filters; full-text search over the records' words (runs of letters and digits)
/// — a generated tsvector with a GIN index on PostgreSQL, an FTS5 table fed by triggers on SQLite.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220008_AuditLog")]
public sealed class M0008AuditLog : Migration
{
    /// <summary>The columns full-text search reads of a record, the same on both engines.</summary>
    private static readonly string[] s_searchedColumns = ["actor_name", "action", "target_type", "target_id", "source_ip", "user_agent", "request_id", "before", "after"];

    /// <summary>The searched columns as one text (columns prefixed by <paramref name="row"/>).</summary>
    private static string SearchedText(string row = "") => string.Join(" || ' ' || ", s_searchedColumns.Select(column => $"coalesce({row}{column}, '')"));

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "audit_anchors",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                sequence = table.Column<long>(nullable: false),
                hash = table.Column<string>(maxLength: 64, nullable: false),
                signed_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                key_id = table.Column<string>(maxLength: 16, nullable: false),
                signature = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_anchors", a => new { a.tenant_id, a.sequence }));

        migrationBuilder.CreateTable(
            name: "audit_signing_keys",
            columns: table => new
            {
                id = table.Column<string>(maxLength: 16, nullable: false),
                public_key_pem = table.Column<string>(maxLength: 400, nullable: false),
                protected_private_key = table.Column<string>(maxLength: 1000, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_signing_keys", k => k.id));

        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_actor_user_id", "audit_records", ["tenant_id", "actor_user_id"]);
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_on_behalf_of_tenant_id", "audit_records", ["tenant_id", "on_behalf_of_tenant_id"]);
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_target_type_target_id", "audit_records", ["tenant_id", "target_type", "target_id"]);
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_source_ip", "audit_records", ["tenant_id", "source_ip"]);

        migrationBuilder.TenantRowLevelSecurity("audit_anchors");
        if (migrationBuilder.IsPostgres())
        {
            migrationBuilder.Sql($"""
                ALTER TABLE audit_records ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace({SearchedText()}, '[^[:alnum:]]+', ' ', 'g'))) STORED;
                CREATE INDEX ix_audit_records_search ON audit_records USING gin (search);
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_anchors FROM tenantra_app;
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_signing_keys FROM tenantra_app;
                """);
        }
        else
        {
            migrationBuilder.Sql($"""
                CREATE VIRTUAL TABLE audit_records_search USING fts5(body, content='', contentless_delete=1, tokenize='unicode61');
                INSERT INTO audit_records_search(rowid, body) SELECT rowid, {SearchedText()} FROM audit_records;
                CREATE TRIGGER audit_records_search_insert AFTER INSERT ON audit_records BEGIN
                    INSERT INTO audit_records_search(rowid, body) SELECT new.rowid, {SearchedText("new.")};
                END;
                CREATE TRIGGER audit_records_search_delete AFTER DELETE ON audit_records BEGIN
                    DELETE FROM audit_records_search WHERE rowid = old.rowid;
                END;
                """);
        }
    }
}
