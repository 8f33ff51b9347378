using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Audit;

namespace Tenantra.Data.Configurations;

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("audit_records");
        builder.HasKey(r => new { r.TenantId, r.Sequence });
        builder.Property(r => r.Sequence).ValueGeneratedNever();
        builder.HasIndex(r => new { r.TenantId, r.Id }).IsUnique();
        builder.HasIndex(r => new { r.TenantId, r.OccurredAt });
        builder.HasIndex(r => new { r.TenantId, r.Action });
        builder.Property(r => r.ActorName).HasMaxLength(254);
        builder.Property(r => r.Action).HasMaxLength(100);
        builder.Property(r => r.TargetType).HasMaxLength(64);
        builder.Property(r => r.TargetId).HasMaxLength(100);
        builder.Property(r => r.SourceIp).HasMaxLength(64);
        builder.Property(r => r.UserAgent).HasMaxLength(512);
        builder.Property(r => r.RequestId).HasMaxLength(64);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.PreviousHash).HasMaxLength(64);
        builder.Property(r => r.Hash).HasMaxLength(64);
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> builder)
    {
        builder.ToTable("audit_chain_heads");
        builder.HasKey(h => h.TenantId);
        builder.Property(h => h.LastHash).HasMaxLength(64);
    }
}
