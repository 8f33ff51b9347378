using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// Notifications: published events (the outbox; each has a routing job in <c>jobs</c>), the
/// preferences that route them (rules per event type and schedules, tenant defaults and per-user),
/// the tenant's endpoints, deliveries and the ledger of every attempt. All tenant-scoped.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220006_Notifications")]
public sealed class M0006Notifications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "notification_events",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                type = table.Column<string>(maxLength: 64, nullable: false),
                severity = table.Column<int>(nullable: false),
                title = table.Column<string>(maxLength: 200, nullable: false),
                fingerprint = table.Column<string>(maxLength: 200, nullable: false),
                link = table.Column<string>(maxLength: 500, nullable: true),
                facts = table.Column<string>(nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                route_job_id = table.Column<Guid>(nullable: false),
                routed_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_notification_events", e => new { e.tenant_id, e.id }));
        migrationBuilder.CreateIndex("ix_notification_events_tenant_id_occurred_at", "notification_events", ["tenant_id", "occurred_at"]);
        migrationBuilder.CreateIndex("ix_notification_events_tenant_id_routed_at_occurred_at", "notification_events", ["tenant_id", "routed_at", "occurred_at"]);

        migrationBuilder.CreateTable(
            name: "notification_rules",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                event_type = table.Column<string>(maxLength: 64, nullable: false),
                channels = table.Column<int>(nullable: false),
                min_severity = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_notification_rules", r => new { r.tenant_id, r.user_id, r.event_type }));

        migrationBuilder.CreateTable(
            name: "notification_schedules",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                digest = table.Column<string>(maxLength: 16, nullable: false),
                quiet_hours_start = table.Column<TimeOnly>(nullable: true),
                quiet_hours_end = table.Column<TimeOnly>(nullable: true),
                critical_bypasses_quiet_hours = table.Column<bool>(nullable: false),
                throttle_minutes = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_notification_schedules", s => new { s.tenant_id, s.user_id }));

        migrationBuilder.CreateTable(
            name: "notification_endpoints",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                protected_url = table.Column<string>(nullable: false),
                url_hint = table.Column<string>(maxLength: 200, nullable: false),
                protected_secret = table.Column<string>(nullable: true),
                protected_previous_secret = table.Column<string>(nullable: true),
                previous_secret_expires_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                event_types = table.Column<string>(maxLength: 2000, nullable: false),
                min_severity = table.Column<int>(nullable: false),
                enabled = table.Column<bool>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_notification_endpoints", e => new { e.tenant_id, e.id }));

        migrationBuilder.CreateTable(
            name: "notification_deliveries",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                event_id = table.Column<Guid>(nullable: true),
                event_type = table.Column<string>(maxLength: 64, nullable: false),
                channel = table.Column<string>(maxLength: 16, nullable: false),
                recipient_user_id = table.Column<Guid>(nullable: true),
                endpoint_id = table.Column<Guid>(nullable: true),
                recipient = table.Column<string>(maxLength: 320, nullable: false),
                dedupe_key = table.Column<string>(maxLength: 200, nullable: false),
                throttle_key = table.Column<string>(maxLength: 64, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                folded_count = table.Column<int>(nullable: false),
                folded_into_id = table.Column<Guid>(nullable: true),
                digest_id = table.Column<Guid>(nullable: true),
                digest_window_end = table.Column<DateTimeOffset>(type: ts, nullable: true),
                attempts = table.Column<int>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                due_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                delivered_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                read_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_notification_deliveries", d => new { d.tenant_id, d.id }));
        migrationBuilder.CreateIndex("ix_notification_deliveries_tenant_id_dedupe_key", "notification_deliveries", ["tenant_id", "dedupe_key"], unique: true);
        migrationBuilder.CreateIndex("ix_notification_deliveries_tenant_id_throttle_key_created_at", "notification_deliveries", ["tenant_id", "throttle_key", "created_at"]);
        migrationBuilder.CreateIndex("ix_notification_deliveries_inbox", "notification_deliveries", ["tenant_id", "recipient_user_id", "channel", "created_at"]);
        migrationBuilder.CreateIndex("ix_notification_deliveries_tenant_id_digest_id", "notification_deliveries", ["tenant_id", "digest_id"]);

        migrationBuilder.CreateTable(
            name: "notification_attempts",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                delivery_id = table.Column<Guid>(nullable: false),
                event_id = table.Column<Guid>(nullable: true),
                event_type = table.Column<string>(maxLength: 64, nullable: false),
                channel = table.Column<string>(maxLength: 16, nullable: false),
                recipient = table.Column<string>(maxLength: 320, nullable: false),
                attempt = table.Column<int>(nullable: false),
                outcome = table.Column<string>(maxLength: 16, nullable: false),
                response = table.Column<string>(maxLength: 500, nullable: false),
                started_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                finished_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_notification_attempts", a => new { a.tenant_id, a.id }));
        migrationBuilder.CreateIndex("ix_notification_attempts_tenant_id_started_at", "notification_attempts", ["tenant_id", "started_at"]);
        migrationBuilder.CreateIndex("ix_notification_attempts_tenant_id_delivery_id", "notification_attempts", ["tenant_id", "delivery_id"]);

        foreach (var table in new[] { "notification_events", "notification_rules", "notification_schedules", "notification_endpoints", "notification_deliveries", "notification_attempts" })
        {
            migrationBuilder.TenantRowLevelSecurity(table);
        }
    }
}
