using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tenantra.Data.Migrations;

/// <summary>
/// PostgreSQL storage of snapshot data (no change on SQLite): current-state entries (hundreds of KB
/// of JSON per row, rewritten on every upload) compressed with lz4 instead of the default pglz, which
/// cost more than half of PostgreSQL's time per upload (docs/performance.md); encrypted payloads, which
/// cannot compress, stored out of line without trying. A server built without lz4 keeps pglz.
/// </summary>
[DbContext(typeof(TenantraDbContext))]
[Migration("202611220003_SnapshotStorage")]
public sealed class M0003SnapshotStorage : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (!migrationBuilder.IsPostgres())
        {
            return;
        }

        migrationBuilder.Sql("""
            DO $$
            BEGIN
                ALTER TABLE asset_states ALTER COLUMN entries_json SET COMPRESSION lz4;
            EXCEPTION WHEN feature_not_supported THEN
                RAISE NOTICE 'this PostgreSQL has no lz4: asset_states.entries_json stays pglz-compressed';
            END $$;
            ALTER TABLE snapshots ALTER COLUMN payload SET STORAGE EXTERNAL;
            """);
    }
}
