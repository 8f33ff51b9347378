using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Platform;

namespace Tenantra.Data.Configurations;

internal sealed class FeatureOverrideConfiguration : IEntityTypeConfiguration<FeatureOverride>
{
    public void Configure(EntityTypeBuilder<FeatureOverride> builder)
    {
        builder.ToTable("feature_overrides");
        builder.HasKey(f => new { f.TenantId, f.FeatureKey });
        builder.Property(f => f.FeatureKey).HasMaxLength(64);
    }
}

internal sealed class WorkerHeartbeatConfiguration : IEntityTypeConfiguration<WorkerHeartbeat>
{
    public void Configure(EntityTypeBuilder<WorkerHeartbeat> builder)
    {
        builder.ToTable("worker_heartbeats");
        builder.HasKey(w => new { w.NodeId, w.Worker });
        builder.Property(w => w.NodeId).HasMaxLength(100);
        builder.Property(w => w.Worker).HasMaxLength(100);
        builder.Property(w => w.LastError).HasMaxLength(2000);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder)
    {
        builder.ToTable("data_protection_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}
