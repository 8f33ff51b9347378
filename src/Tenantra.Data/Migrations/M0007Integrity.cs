using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// Baselines and drift: baselines per asset and category and golden ones per group or tenant,
/// integrity events with their comments, and the tenant's suppressions and severity rules. All
/// tenant-scoped. Current states remember the hash of what drift detection compares; jobs get an
/// index to find one of a kind already waiting (evaluations are coalesced).
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220007_Integrity")]
public sealed class M0007Integrity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.AddColumn<string>("evaluated_hash", "asset_states", maxLength: 64, nullable: true);
        migrationBuilder.DropIndex("ix_jobs_tenant_id", "jobs");
        migrationBuilder.CreateIndex("ix_jobs_tenant_id_kind_status", "jobs", ["tenant_id", "kind", "status"]);
        migrationBuilder.CreateTable(
            name: "integrity_baselines",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                scope = table.Column<string>(maxLength: 64, nullable: false),
                asset_id = table.Column<Guid>(nullable: true),
                group_id = table.Column<Guid>(nullable: true),
                category = table.Column<string>(maxLength: 32, nullable: false),
                follows_golden = table.Column<bool>(nullable: false),
                origin = table.Column<int>(nullable: false),
                entries_json = table.Column<string>(nullable: false),
                excluded_json = table.Column<string>(nullable: false),
                entry_count = table.Column<int>(nullable: false),
                source_snapshot_id = table.Column<Guid>(nullable: true),
                revision = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                updated_by = table.Column<Guid>(nullable: true),
                comment = table.Column<string>(maxLength: 2000, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_integrity_baselines", b => new { b.tenant_id, b.id }));
        migrationBuilder.CreateIndex("ix_integrity_baselines_tenant_id_scope_category", "integrity_baselines", ["tenant_id", "scope", "category"], unique: true);

        migrationBuilder.CreateTable(
            name: "integrity_events",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                asset_id = table.Column<Guid>(nullable: false),
                category = table.Column<string>(maxLength: 32, nullable: false),
                kind = table.Column<string>(maxLength: 64, nullable: false),
                entry_key = table.Column<string>(maxLength: 1024, nullable: false),
                change = table.Column<int>(nullable: false),
                severity = table.Column<int>(nullable: false),
                rule_keys = table.Column<string>(maxLength: 1000, nullable: false),
                status = table.Column<int>(nullable: false),
                resolution = table.Column<string>(maxLength: 32, nullable: true),
                assignee_id = table.Column<Guid>(nullable: true),
                fields_json = table.Column<string>(nullable: false),
                before_json = table.Column<string>(nullable: true),
                after_json = table.Column<string>(nullable: true),
                fingerprint = table.Column<string>(maxLength: 64, nullable: false),
                snapshot_id = table.Column<Guid>(nullable: false),
                last_snapshot_id = table.Column<Guid>(nullable: false),
                detected_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_seen_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                closed_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_integrity_events", e => new { e.tenant_id, e.id }));
        migrationBuilder.CreateIndex("ix_integrity_events_active_entry", "integrity_events", ["tenant_id", "asset_id", "category", "kind", "entry_key"], unique: true, filter: "status IN (0, 1)");
        migrationBuilder.CreateIndex("ix_integrity_events_tenant_id_detected_at", "integrity_events", ["tenant_id", "detected_at"]);
        migrationBuilder.CreateIndex("ix_integrity_events_tenant_id_asset_id_detected_at", "integrity_events", ["tenant_id", "asset_id", "detected_at"]);
        migrationBuilder.CreateIndex("ix_integrity_events_tenant_id_status_severity", "integrity_events", ["tenant_id", "status", "severity"]);

        migrationBuilder.CreateTable(
            name: "integrity_event_comments",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                event_id = table.Column<Guid>(nullable: false),
                author_id = table.Column<Guid>(nullable: true),
                author_name = table.Column<string>(maxLength: 320, nullable: false),
                action = table.Column<string>(maxLength: 32, nullable: true),
                text = table.Column<string>(maxLength: 2000, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_integrity_event_comments", c => new { c.tenant_id, c.id }));
        migrationBuilder.CreateIndex("ix_integrity_event_comments_tenant_id_event_id_created_at", "integrity_event_comments", ["tenant_id", "event_id", "created_at"]);

        migrationBuilder.CreateTable(
            name: "integrity_suppressions",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                asset_id = table.Column<Guid>(nullable: true),
                category = table.Column<string>(maxLength: 32, nullable: true),
                kind = table.Column<string>(maxLength: 64, nullable: true),
                key_pattern = table.Column<string>(maxLength: 1024, nullable: false),
                field = table.Column<string>(maxLength: 64, nullable: true),
                comment = table.Column<string>(maxLength: 500, nullable: false),
                created_by = table.Column<Guid>(nullable: true),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_integrity_suppressions", s => new { s.tenant_id, s.id }));

        migrationBuilder.CreateTable(
            name: "integrity_rules",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                key = table.Column<string>(maxLength: 64, nullable: false),
                title = table.Column<string>(maxLength: 200, nullable: false),
                severity = table.Column<int>(nullable: false),
                enabled = table.Column<bool>(nullable: false),
                match_json = table.Column<string>(nullable: true),
                updated_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_integrity_rules", r => new { r.tenant_id, r.key }));

        foreach (var table in new[] { "integrity_baselines", "integrity_events", "integrity_event_comments", "integrity_suppressions", "integrity_rules" })
        {
            migrationBuilder.TenantRowLevelSecurity(table);
        }
    }
}
