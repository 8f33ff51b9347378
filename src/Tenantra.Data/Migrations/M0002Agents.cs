using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>Enrollment tokens, asset groups, assets (agents), nonces, snapshots, current state, collection intervals, payload keys.</summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220002_Agents")]
public sealed class M0002Agents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();

        migrationBuilder.CreateTable(
            name: "enrollment_tokens",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                label = table.Column<string>(maxLength: 100, nullable: false),
                prefix = table.Column<string>(maxLength: 16, nullable: false),
                secret_hash = table.Column<string>(maxLength: 64, nullable: false),
                created_by_user_id = table.Column<Guid>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                max_uses = table.Column<int>(nullable: true),
                uses = table.Column<int>(nullable: false),
                asset_group_id = table.Column<Guid>(nullable: true),
                revoked_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_enrollment_tokens", t => new { t.tenant_id, t.id }));
        migrationBuilder.CreateIndex("ix_enrollment_tokens_secret_hash", "enrollment_tokens", "secret_hash", unique: true);

        migrationBuilder.CreateTable(
            name: "asset_groups",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_asset_groups", g => new { g.tenant_id, g.id }));
        migrationBuilder.CreateIndex("ix_asset_groups_tenant_id_name", "asset_groups", ["tenant_id", "name"], unique: true);

        migrationBuilder.CreateTable(
            name: "assets",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                agent_lookup = table.Column<string>(maxLength: 32, nullable: false),
                machine_id = table.Column<string>(maxLength: 128, nullable: false),
                hostname = table.Column<string>(maxLength: 255, nullable: false),
                os = table.Column<string>(maxLength: 64, nullable: false),
                os_version = table.Column<string>(maxLength: 128, nullable: false),
                agent_version = table.Column<string>(maxLength: 32, nullable: false),
                public_key = table.Column<string>(maxLength: 512, nullable: false),
                key_set_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                group_id = table.Column<Guid>(nullable: true),
                tags = table.Column<string>(maxLength: 2000, nullable: false),
                addresses = table.Column<string>(maxLength: 2000, nullable: false),
                uptime_seconds = table.Column<long>(nullable: false),
                dropped_snapshots = table.Column<long>(nullable: false),
                enrolled_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_seen_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                revoked_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_assets", a => new { a.tenant_id, a.id }));
        migrationBuilder.CreateIndex("ix_assets_agent_lookup", "assets", "agent_lookup", unique: true);
        migrationBuilder.CreateIndex("ix_assets_tenant_id_machine_id", "assets", ["tenant_id", "machine_id"], unique: true);
        migrationBuilder.CreateIndex("ix_assets_tenant_id_hostname", "assets", ["tenant_id", "hostname"]);

        migrationBuilder.CreateTable(
            name: "agent_nonces",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                asset_id = table.Column<Guid>(nullable: false),
                nonce = table.Column<string>(maxLength: 64, nullable: false),
                seen_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_agent_nonces", n => new { n.tenant_id, n.asset_id, n.nonce }));
        migrationBuilder.CreateIndex("ix_agent_nonces_tenant_id_seen_at", "agent_nonces", ["tenant_id", "seen_at"]);

        migrationBuilder.CreateTable(
            name: "snapshots",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                asset_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                category = table.Column<string>(maxLength: 32, nullable: false),
                schema_version = table.Column<int>(nullable: false),
                collected_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                received_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                entry_count = table.Column<int>(nullable: false),
                key_id = table.Column<int>(nullable: false),
                payload = table.Column<byte[]>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_snapshots", s => new { s.tenant_id, s.asset_id, s.id }));
        migrationBuilder.CreateIndex("ix_snapshots_tenant_id_asset_id_category_collected_at", "snapshots", ["tenant_id", "asset_id", "category", "collected_at"]);

        migrationBuilder.CreateTable(
            name: "asset_states",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                asset_id = table.Column<Guid>(nullable: false),
                category = table.Column<string>(maxLength: 32, nullable: false),
                snapshot_id = table.Column<Guid>(nullable: false),
                collected_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                entry_count = table.Column<int>(nullable: false),
                entries_json = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_asset_states", s => new { s.tenant_id, s.asset_id, s.category }));

        migrationBuilder.CreateTable(
            name: "collection_intervals",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                group_id = table.Column<Guid>(nullable: true),
                category = table.Column<string>(maxLength: 32, nullable: false),
                seconds = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_collection_intervals", c => new { c.tenant_id, c.id }));
        migrationBuilder.CreateIndex("ix_collection_intervals_tenant_id_group_id_category", "collection_intervals", ["tenant_id", "group_id", "category"], unique: true);

        migrationBuilder.CreateTable(
            name: "payload_keys",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                protected_key = table.Column<string>(maxLength: 256, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_payload_keys", k => k.id));

        migrationBuilder.TenantRowLevelSecurity("enrollment_tokens", lookupColumn: "secret_hash");
        migrationBuilder.TenantRowLevelSecurity("asset_groups");
        migrationBuilder.TenantRowLevelSecurity("assets", lookupColumn: "agent_lookup");
        migrationBuilder.TenantRowLevelSecurity("agent_nonces");
        migrationBuilder.TenantRowLevelSecurity("snapshots");
        migrationBuilder.TenantRowLevelSecurity("asset_states");
        migrationBuilder.TenantRowLevelSecurity("collection_intervals");
    }
}
