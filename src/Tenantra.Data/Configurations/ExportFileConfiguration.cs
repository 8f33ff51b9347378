using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Exports;

namespace Tenantra.Data.Configurations;

internal sealed class ExportFileConfiguration : IEntityTypeConfiguration<ExportFile>
{
    public void Configure(EntityTypeBuilder<ExportFile> builder)
    {
        builder.ToTable("export_files");
        builder.HasKey(e => new { e.TenantId, e.Id });
        builder.Property(e => e.Dataset).HasMaxLength(64);
        builder.Property(e => e.Format).HasMaxLength(8);
        builder.Property(e => e.Sha256).HasMaxLength(64);
        builder.HasIndex(e => new { e.TenantId, e.RequestedByUserId, e.CreatedAt });
    }
}
