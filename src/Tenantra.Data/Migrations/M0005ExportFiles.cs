using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>Exports users asked for (the files live in the data directory; the job writing each is in <c>jobs</c>).</summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220005_ExportFiles")]
public sealed class M0005ExportFiles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var ts = migrationBuilder.TimestampType();
        migrationBuilder.CreateTable(
            name: "export_files",
            columns: table => new
            {
                tenant_id = table.Column<Guid>(nullable: false),
                id = table.Column<Guid>(nullable: false),
                dataset = table.Column<string>(maxLength: 64, nullable: false),
                format = table.Column<string>(maxLength: 8, nullable: false),
                filters = table.Column<string>(nullable: false),
                requested_by_user_id = table.Column<Guid>(nullable: false),
                created_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: ts, nullable: false),
                job_id = table.Column<Guid>(nullable: false),
                rows = table.Column<long>(nullable: true),
                size_bytes = table.Column<long>(nullable: true),
                sha256 = table.Column<string>(maxLength: 64, nullable: true),
                completed_at = table.Column<DateTimeOffset>(type: ts, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_export_files", e => new { e.tenant_id, e.id }));
        migrationBuilder.CreateIndex("ix_export_files_tenant_id_requested_by_user_id_created_at", "export_files", ["tenant_id", "requested_by_user_id", "created_at"]);
        migrationBuilder.TenantRowLevelSecurity("export_files");
    }
}
