using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Agents;

namespace Tenantra.Data.Configurations;

internal sealed class EnrollmentTokenConfiguration : IEntityTypeConfiguration<EnrollmentToken>
{
    public void Configure(EntityTypeBuilder<EnrollmentToken> builder)
    {
        builder.ToTable("enrollment_tokens");
        builder.HasKey(t => new { t.TenantId, t.Id });
        builder.Property(t => t.Label).HasMaxLength(100);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.Property(t => t.SecretHash).HasMaxLength(64);
        builder.HasIndex(t => t.SecretHash).IsUnique();
    }
}

internal sealed class AssetGroupConfiguration : IEntityTypeConfiguration<AssetGroup>
{
    public void Configure(EntityTypeBuilder<AssetGroup> builder)
    {
        builder.ToTable("asset_groups");
        builder.HasKey(g => new { g.TenantId, g.Id });
        builder.Property(g => g.Name).HasMaxLength(100);
        builder.HasIndex(g => new { g.TenantId, g.Name }).IsUnique();
    }
}

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> builder)
    {
        builder.ToTable("assets");
        builder.HasKey(a => new { a.TenantId, a.Id });
        builder.Property(a => a.AgentLookup).HasMaxLength(32);
        builder.HasIndex(a => a.AgentLookup).IsUnique();
        builder.Property(a => a.MachineId).HasMaxLength(128);
        builder.HasIndex(a => new { a.TenantId, a.MachineId }).IsUnique();
        builder.Property(a => a.Hostname).HasMaxLength(255);
        builder.HasIndex(a => new { a.TenantId, a.Hostname });
        builder.Property(a => a.Os).HasMaxLength(64);
        builder.Property(a => a.OsVersion).HasMaxLength(128);
        builder.Property(a => a.AgentVersion).HasMaxLength(32);
        builder.Property(a => a.PublicKey).HasMaxLength(512);
        builder.Property(a => a.Tags).StoredAsText('\n', 2000);
        builder.Property(a => a.Addresses).StoredAsText(' ', 2000);
    }
}

internal sealed class AgentNonceConfiguration : IEntityTypeConfiguration<AgentNonce>
{
    public void Configure(EntityTypeBuilder<AgentNonce> builder)
    {
        builder.ToTable("agent_nonces");
        builder.HasKey(n => new { n.TenantId, n.AssetId, n.Nonce });
        builder.Property(n => n.Nonce).HasMaxLength(64);
        builder.HasIndex(n => new { n.TenantId, n.SeenAt });
    }
}

internal sealed class SnapshotRecordConfiguration : IEntityTypeConfiguration<SnapshotRecord>
{
    public void Configure(EntityTypeBuilder<SnapshotRecord> builder)
    {
        builder.ToTable("snapshots");
        builder.HasKey(s => new { s.TenantId, s.AssetId, s.Id });
        builder.Property(s => s.Category).HasMaxLength(32);
        builder.Property(s => s.ContentHash).HasMaxLength(64);
        builder.HasIndex(s => new { s.TenantId, s.AssetId, s.Category, s.CollectedAt });
    }
}

internal sealed class AssetStateConfiguration : IEntityTypeConfiguration<AssetState>
{
    public void Configure(EntityTypeBuilder<AssetState> builder)
    {
        builder.ToTable("asset_states");
        builder.HasKey(s => new { s.TenantId, s.AssetId, s.Category });
        builder.Property(s => s.Category).HasMaxLength(32);
        builder.Property(s => s.ContentHash).HasMaxLength(64);
        builder.Property(s => s.EvaluatedHash).HasMaxLength(64);
    }
}

internal sealed class CollectionIntervalConfiguration : IEntityTypeConfiguration<CollectionInterval>
{
    public void Configure(EntityTypeBuilder<CollectionInterval> builder)
    {
        builder.ToTable("collection_intervals");
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.Property(c => c.Category).HasMaxLength(32);
        builder.HasIndex(c => new { c.TenantId, c.GroupId, c.Category }).IsUnique();
    }
}

internal sealed class PayloadKeyConfiguration : IEntityTypeConfiguration<PayloadKey>
{
    public void Configure(EntityTypeBuilder<PayloadKey> builder)
    {
        builder.ToTable("payload_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.ProtectedKey).HasMaxLength(256);
    }
}
