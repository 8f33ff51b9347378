using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>Tenants, identity, audit chain, feature flags, worker heartbeats, data-protection keys.</summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220001_Foundation")]
public sealed class M0001Foundation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();

        migrationBuilder.CreateTable(
            name: "tenants",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                parent_id = table.Column<Guid>(nullable: true),
                kind = table.Column<string>(maxLength: 16, nullable: false),
                name = table.Column<string>(maxLength: 200, nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                time_zone = table.Column<string>(maxLength: 64, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                suspended_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                deleted_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                purge_after = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_tenants", t => t.id);
                table.ForeignKey("fk_tenants_tenants_parent_id", t => t.parent_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_tenants_parent_id_name", "tenants", ["parent_id", "name"]);

        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                email = table.Column<string>(maxLength: 254, nullable: false),
                normalized_email = table.Column<string>(maxLength: 254, nullable: false),
                display_name = table.Column<string>(maxLength: 200, nullable: false),
                home_tenant_id = table.Column<Guid>(nullable: false),
                password_hash = table.Column<string>(maxLength: 512, nullable: true),
                security_stamp = table.Column<string>(maxLength: 64, nullable: false),
                concurrency_stamp = table.Column<string>(maxLength: 64, nullable: false),
                lockout_enabled = table.Column<bool>(nullable: false),
                lockout_end = table.Column<DateTimeOffset>(type: ts, nullable: true),
                access_failed_count = table.Column<int>(nullable: false),
                two_factor_enabled = table.Column<bool>(nullable: false),
                authenticator_key_protected = table.Column<string>(maxLength: 512, nullable: true),
                last_totp_time_step = table.Column<long>(nullable: false),
                disabled = table.Column<bool>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_sign_in_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_users", u => u.id);
                table.ForeignKey("fk_users_tenants_home_tenant_id", u => u.home_tenant_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("ix_users_normalized_email", "users", "normalized_email", unique: true);
        migrationBuilder.CreateIndex("ix_users_home_tenant_id", "users", "home_tenant_id");

        migrationBuilder.CreateTable(
            name: "memberships",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                tenant_id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                role = table.Column<string>(maxLength: 16, nullable: false),
                customer_scope = table.Column<string>(maxLength: 24, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_memberships", m => m.id);
                table.ForeignKey("fk_memberships_tenants_tenant_id", m => m.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_memberships_users_user_id", m => m.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_memberships_tenant_id_user_id_role", "memberships", ["tenant_id", "user_id", "role"], unique: true);
        migrationBuilder.CreateIndex("ix_memberships_user_id", "memberships", "user_id");

        migrationBuilder.CreateTable(
            name: "membership_customers",
            columns: table => new
            {
                membership_id = table.Column<Guid>(nullable: false),
                customer_tenant_id = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_membership_customers", c => new { c.membership_id, c.customer_tenant_id });
                table.ForeignKey("fk_membership_customers_memberships_membership_id", c => c.membership_id, "memberships", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_membership_customers_tenants_customer_tenant_id", c => c.customer_tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_membership_customers_customer_tenant_id", "membership_customers", "customer_tenant_id");

        migrationBuilder.CreateTable(
            name: "recovery_codes",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                code_hash = table.Column<string>(maxLength: 64, nullable: false),
                used_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_recovery_codes", r => r.id);
                table.ForeignKey("fk_recovery_codes_users_user_id", r => r.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_recovery_codes_user_id", "recovery_codes", "user_id");

        migrationBuilder.CreateTable(
            name: "api_tokens",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                user_id = table.Column<Guid>(nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                prefix = table.Column<string>(maxLength: 16, nullable: false),
                secret_hash = table.Column<string>(maxLength: 64, nullable: false),
                scopes = table.Column<string>(maxLength: 1000, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                revoked_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                last_used_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_api_tokens", t => new { t.tenant_id, t.id }));
        migrationBuilder.CreateIndex("ix_api_tokens_secret_hash", "api_tokens", "secret_hash", unique: true);
        migrationBuilder.CreateIndex("ix_api_tokens_tenant_id_user_id", "api_tokens", ["tenant_id", "user_id"]);

        migrationBuilder.CreateTable(
            name: "invitations",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                email = table.Column<string>(maxLength: 254, nullable: false),
                normalized_email = table.Column<string>(maxLength: 254, nullable: false),
                role = table.Column<string>(maxLength: 16, nullable: false),
                token_hash = table.Column<string>(maxLength: 64, nullable: false),
                invited_by_user_id = table.Column<Guid>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                accepted_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                accepted_by_user_id = table.Column<Guid>(nullable: true),
                revoked_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_invitations", i => new { i.tenant_id, i.id }));
        migrationBuilder.CreateIndex("ix_invitations_token_hash", "invitations", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_invitations_tenant_id_normalized_email", "invitations", ["tenant_id", "normalized_email"]);

        migrationBuilder.CreateTable(
            name: "audit_records",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                sequence = table.Column<long>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                actor_user_id = table.Column<Guid>(nullable: true),
                actor_token_id = table.Column<Guid>(nullable: true),
                actor_name = table.Column<string>(maxLength: 254, nullable: true),
                on_behalf_of_tenant_id = table.Column<Guid>(nullable: true),
                action = table.Column<string>(maxLength: 100, nullable: false),
                target_type = table.Column<string>(maxLength: 64, nullable: true),
                target_id = table.Column<string>(maxLength: 100, nullable: true),
                before = table.Column<string>(nullable: true),
                after = table.Column<string>(nullable: true),
                source_ip = table.Column<string>(maxLength: 64, nullable: true),
                user_agent = table.Column<string>(maxLength: 512, nullable: true),
                request_id = table.Column<string>(maxLength: 64, nullable: true),
                outcome = table.Column<string>(maxLength: 16, nullable: false),
                previous_hash = table.Column<string>(maxLength: 64, nullable: false),
                hash = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_records", r => new { r.tenant_id, r.sequence }));
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_id", "audit_records", ["tenant_id", "id"], unique: true);
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_occurred_at", "audit_records", ["tenant_id", "occurred_at"]);
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_action", "audit_records", ["tenant_id", "action"]);

        migrationBuilder.CreateTable(
            name: "audit_chain_heads",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                last_sequence = table.Column<long>(nullable: false),
                last_hash = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_chain_heads", h => h.tenant_id));

        migrationBuilder.CreateTable(
            name: "feature_overrides",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                feature_key = table.Column<string>(maxLength: 64, nullable: false),
                enabled = table.Column<bool>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_feature_overrides", f => new { f.tenant_id, f.feature_key }));

        migrationBuilder.CreateTable(
            name: "worker_heartbeats",
            columns: table => new
            {
                node_id = table.Column<string>(maxLength: 100, nullable: false),
                worker = table.Column<string>(maxLength: 100, nullable: false),
                started_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_beat_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                last_error = table.Column<string>(maxLength: 2000, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_worker_heartbeats", w => new { w.node_id, w.worker }));

        migrationBuilder.CreateTable(
            name: "data_protection_keys",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                friendly_name = table.Column<string>(maxLength: 200, nullable: false),
                xml = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_data_protection_keys", k => k.id));

        migrationBuilder.TenantRowLevelSecurity("audit_records");
        migrationBuilder.TenantRowLevelSecurity("audit_chain_heads");
        migrationBuilder.TenantRowLevelSecurity("feature_overrides");
        migrationBuilder.TenantRowLevelSecurity("api_tokens", lookupColumn: "secret_hash");
        migrationBuilder.TenantRowLevelSecurity("invitations", lookupColumn: "token_hash");
        migrationBuilder.GrantApplicationRole();
        if (migrationBuilder.IsPostgres())
        {
            // Append-only: the application may add audit records but never change or remove them.
            migrationBuilder.Sql("REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM tenantra_app;");
        }
    }
}
