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
        builder.HasIndex(r => new { r.TenantId, r.Outcome });
        builder.HasIndex(r => new { r.TenantId, r.ActorUserId });
        builder.HasIndex(r => new { r.TenantId, r.OnBehalfOfTenantId });
        builder.HasIndex(r => new { r.TenantId, r.TargetType, r.TargetId });
        builder.HasIndex(r => new { r.TenantId, r.SourceIp });
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

internal sealed class AuditAnchorConfiguration : IEntityTypeConfiguration<AuditAnchor>
{
    public void Configure(EntityTypeBuilder<AuditAnchor> builder)
    {
        builder.ToTable("audit_anchors");
        builder.HasKey(a => new { a.TenantId, a.Sequence });
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.Property(a => a.KeyId).HasMaxLength(16);
        builder.Property(a => a.Signature).HasMaxLength(100);
    }
}

internal sealed class AuditSigningKeyConfiguration : IEntityTypeConfiguration<AuditSigningKey>
{
    public void Configure(EntityTypeBuilder<AuditSigningKey> builder)
    {
        builder.ToTable("audit_signing_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(16);
        builder.Property(k => k.PublicKeyPem).HasMaxLength(400);
        builder.Property(k => k.ProtectedPrivateKey).HasMaxLength(1000);
    }
}

internal sealed class AuditAlertConfiguration : IEntityTypeConfiguration<AuditAlert>
{
    public void Configure(EntityTypeBuilder<AuditAlert> builder)
    {
        builder.ToTable("audit_alerts");
        builder.HasKey(a => new { a.TenantId, a.Id });
        builder.HasIndex(a => new { a.TenantId, a.Fingerprint }).IsUnique();
        builder.HasIndex(a => new { a.TenantId, a.RaisedAt });
        builder.Property(a => a.Detection).HasConversion<string>().HasMaxLength(64);
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.Detail).HasMaxLength(2000);
        builder.Property(a => a.ActorName).HasMaxLength(254);
        builder.Property(a => a.SourceIp).HasMaxLength(64);
        builder.Property(a => a.RecordsQuery).HasMaxLength(1000);
        builder.Property(a => a.Fingerprint).HasMaxLength(300);
    }
}

internal sealed class AuditDetectionStateConfiguration : IEntityTypeConfiguration<AuditDetectionState>
{
    public void Configure(EntityTypeBuilder<AuditDetectionState> builder)
    {
        builder.ToTable("audit_detection_states");
        builder.HasKey(s => s.TenantId);
    }
}

internal sealed class AuditArchiveSegmentConfiguration : IEntityTypeConfiguration<AuditArchiveSegment>
{
    public void Configure(EntityTypeBuilder<AuditArchiveSegment> builder)
    {
        builder.ToTable("audit_archive_segments");
        builder.HasKey(s => new { s.TenantId, s.FirstSequence });
        builder.HasIndex(s => new { s.TenantId, s.LastSequence }).IsUnique();
        builder.HasIndex(s => new { s.TenantId, s.FirstOccurredAt });
        builder.Ignore(s => s.Records);
        builder.Property(s => s.PreviousHash).HasMaxLength(64);
        builder.Property(s => s.LastHash).HasMaxLength(64);
        builder.Property(s => s.ContentSha256).HasMaxLength(64);
        builder.Property(s => s.KeyId).HasMaxLength(16);
        builder.Property(s => s.Signature).HasMaxLength(100);
    }
}
