using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// Audit archive segments: a tenant's oldest records, compressed, signed (the segment as a whole too)
/// and moved out of the live table. Tenant-scoped and append-only for the application. On PostgreSQL the application role
/// cannot delete audit records at all; <c>audit_archive_release</c> (as the owner) deletes the records
/// of exactly one existing segment of a tenant in the session's scope, and nothing else. The content is
/// already gzip-compressed: stored out of line without trying again.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220010_AuditArchive")]
public sealed class M0010AuditArchive : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "audit_archive_segments",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                first_sequence = table.Column<long>(nullable: false),
                last_sequence = table.Column<long>(nullable: false),
                first_occurred_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_occurred_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                archived_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                content = table.Column<byte[]>(nullable: false),
                uncompressed_bytes = table.Column<long>(nullable: false),
                previous_hash = table.Column<string>(maxLength: 64, nullable: false),
                last_hash = table.Column<string>(maxLength: 64, nullable: false),
                content_sha256 = table.Column<string>(maxLength: 64, nullable: false),
                signed_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                key_id = table.Column<string>(maxLength: 16, nullable: false),
                signature = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_archive_segments", s => new { s.tenant_id, s.first_sequence }));
        migrationBuilder.CreateIndex("ix_audit_archive_segments_tenant_id_last_sequence", "audit_archive_segments", ["tenant_id", "last_sequence"], unique: true);
        migrationBuilder.CreateIndex("ix_audit_archive_segments_tenant_id_first_occurred_at", "audit_archive_segments", ["tenant_id", "first_occurred_at"]);
        migrationBuilder.TenantRowLevelSecurity("audit_archive_segments");
        if (migrationBuilder.IsPostgres())
        {
            migrationBuilder.Sql("""
                ALTER TABLE audit_archive_segments ALTER COLUMN content SET STORAGE EXTERNAL;
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_archive_segments FROM tenantra_app;

                CREATE FUNCTION audit_archive_release(tenant uuid, first_record bigint, last_record bigint) RETURNS bigint
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
                DECLARE released bigint;
                BEGIN
                    IF NOT tenant = ANY (string_to_array(nullif(current_setting('tenantra.tenant_ids', true), ''), ',')::uuid[]) THEN
                        RAISE EXCEPTION 'tenant % is not in this session''s scope', tenant USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    IF NOT EXISTS (SELECT 1 FROM audit_archive_segments s
                                   WHERE s.tenant_id = tenant AND s.first_sequence = first_record AND s.last_sequence = last_record) THEN
                        RAISE EXCEPTION 'no archive segment holds records % to % of tenant %', first_record, last_record, tenant USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    DELETE FROM audit_records WHERE tenant_id = tenant AND sequence BETWEEN first_record AND last_record;
                    GET DIAGNOSTICS released = ROW_COUNT;
                    RETURN released;
                END $$;
                REVOKE ALL ON FUNCTION audit_archive_release(uuid, bigint, bigint) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION audit_archive_release(uuid, bigint, bigint) TO tenantra_app;
                """);
        }
    }
}
