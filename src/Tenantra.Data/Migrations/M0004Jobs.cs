using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// The durable job queue (decision 0009). A platform table, not tenant-scoped: workers claim across
/// tenants, then run each job inside its tenant's scope.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220004_Jobs")]
public sealed class M0004Jobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "jobs",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                kind = table.Column<string>(maxLength: 64, nullable: false),
                tenant_id = table.Column<Guid>(nullable: true),
                payload = table.Column<string>(nullable: false),
                priority = table.Column<int>(nullable: false),
                status = table.Column<string>(maxLength: 16, nullable: false),
                attempts = table.Column<int>(nullable: false),
                max_attempts = table.Column<int>(nullable: false),
                run_after = table.Column<DateTimeOffset>(type: ts, nullable: false),
                lease_owner = table.Column<string>(maxLength: 100, nullable: true),
                lease_expires_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
                last_error = table.Column<string>(maxLength: 2000, nullable: true),
                progress_done = table.Column<long>(nullable: false),
                progress_total = table.Column<long>(nullable: false),
                result = table.Column<string>(nullable: true),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                completed_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_jobs", j => j.id));
        migrationBuilder.CreateIndex("ix_jobs_status_run_after", "jobs", ["status", "run_after"]);
        migrationBuilder.CreateIndex("ix_jobs_tenant_id", "jobs", "tenant_id");
    }
}
