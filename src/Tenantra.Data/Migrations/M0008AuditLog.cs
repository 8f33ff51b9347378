using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// The audit log: signed anchors over each tenant's chain (tenant-scoped, append-only for the
/// application like the records) and the keys that sign them (platform-wide, append-only); indexes
/// for the viewer's filters; full-text search over the records' words (runs of letters and digits)
/// — on PostgreSQL a generated tsvector on each record plus a GIN-indexed copy in
/// <c>audit_records_search</c> (read only through <c>audit_search_matches</c>), on SQLite an FTS5
/// table; both fed by triggers.
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
            // Each record's words are a generated column, cheap to test on rows another condition found. But row-level security
            // keeps PostgreSQL from using an index for a condition that is not leakproof (text search's @@), so the words are
            // copied to audit_records_search, which has no row-level security and which the application role cannot read at
            // all: a trigger (as the owner) keeps it in step, and audit_search_matches (as the owner) returns one tenant's matches, at
            // most a given number, only for a tenant in the session's scope — the condition the policies use.
            migrationBuilder.Sql($"""
                ALTER TABLE audit_records ADD COLUMN search tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace({SearchedText()}, '[^[:alnum:]]+', ' ', 'g'))) STORED;

                CREATE TABLE audit_records_search (
                    tenant_id uuid NOT NULL,
                    sequence bigint NOT NULL,
                    words tsvector NOT NULL,
                    CONSTRAINT pk_audit_records_search PRIMARY KEY (tenant_id, sequence));
                CREATE INDEX ix_audit_records_search_words ON audit_records_search USING gin (words);
                REVOKE ALL ON audit_records_search FROM tenantra_app;

                CREATE FUNCTION audit_records_search_copy() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN
                        DELETE FROM audit_records_search WHERE tenant_id = OLD.tenant_id AND sequence = OLD.sequence;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        INSERT INTO audit_records_search (tenant_id, sequence, words) VALUES (NEW.tenant_id, NEW.sequence, NEW.search);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER audit_records_search_copy AFTER INSERT OR UPDATE OR DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_records_search_copy();

                CREATE FUNCTION audit_search_matches(tenant uuid, query tsquery, most integer) RETURNS TABLE (sequence bigint)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
                    SELECT s.sequence FROM audit_records_search s
                    WHERE s.tenant_id = tenant AND s.words @@ query
                      AND tenant = ANY (string_to_array(nullif(current_setting('tenantra.tenant_ids', true), ''), ',')::uuid[])
                    LIMIT most
                $$;
                REVOKE ALL ON FUNCTION audit_search_matches(uuid, tsquery, integer) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION audit_search_matches(uuid, tsquery, integer) TO tenantra_app;

                ALTER TABLE audit_records NO FORCE ROW LEVEL SECURITY;
                INSERT INTO audit_records_search (tenant_id, sequence, words) SELECT tenant_id, sequence, search FROM audit_records;
                ALTER TABLE audit_records FORCE ROW LEVEL SECURITY;

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
