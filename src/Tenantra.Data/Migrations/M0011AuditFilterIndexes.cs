using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// Indexes row-level security lets PostgreSQL use for the audit viewer's filters: an action prefix is
/// asked as a range in the C collation's order (leakproof, unlike LIKE), so the action index is
/// rebuilt in that collation; failures and denials are found through an outcome index.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220011_AuditFilterIndexes")]
public sealed class M0011AuditFilterIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex("ix_audit_records_tenant_id_outcome", "audit_records", ["tenant_id", "outcome"]);
        if (migrationBuilder.IsPostgres())
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_audit_records_tenant_id_action;
                CREATE INDEX ix_audit_records_tenant_id_action ON audit_records (tenant_id, action COLLATE "C");
                """);
        }
    }
}
