using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>Audit detections: the alerts they raise, and per tenant how far they have read the chain and their settings. Both tenant-scoped.</summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220009_AuditDetections")]
public sealed class M0009AuditDetections : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "audit_alerts",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                detection = table.Column<string>(maxLength: 64, nullable: false),
                severity = table.Column<int>(nullable: false),
                title = table.Column<string>(maxLength: 200, nullable: false),
                detail = table.Column<string>(maxLength: 2000, nullable: false),
                actor_user_id = table.Column<Guid>(nullable: true),
                actor_name = table.Column<string>(maxLength: 254, nullable: true),
                source_ip = table.Column<string>(maxLength: 64, nullable: true),
                first_sequence = table.Column<long>(nullable: false),
                last_sequence = table.Column<long>(nullable: false),
                records = table.Column<int>(nullable: false),
                records_query = table.Column<string>(maxLength: 1000, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                raised_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                fingerprint = table.Column<string>(maxLength: 300, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_alerts", a => new { a.tenant_id, a.id }));
        migrationBuilder.CreateIndex("ix_audit_alerts_tenant_id_fingerprint", "audit_alerts", ["tenant_id", "fingerprint"], unique: true);
        migrationBuilder.CreateIndex("ix_audit_alerts_tenant_id_raised_at", "audit_alerts", ["tenant_id", "raised_at"]);

        migrationBuilder.CreateTable(
            name: "audit_detection_states",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                examined_through = table.Column<long>(nullable: false),
                settings_json = table.Column<string>(nullable: true),
                settings_updated_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_audit_detection_states", s => s.tenant_id));

        migrationBuilder.TenantRowLevelSecurity("audit_alerts");
        migrationBuilder.TenantRowLevelSecurity("audit_detection_states");
    }
}
