using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Integrity;

namespace Tenantra.Data.Configurations;

// Severities, statuses and change kinds are numbers (filters and "at least" compare them).
internal sealed class IntegrityBaselineConfiguration : IEntityTypeConfiguration<IntegrityBaseline>
{
    public void Configure(EntityTypeBuilder<IntegrityBaseline> builder)
    {
        builder.ToTable("integrity_baselines");
        builder.HasKey(b => new { b.TenantId, b.Id });
        builder.Property(b => b.Scope).HasMaxLength(64);
        builder.Property(b => b.Category).HasMaxLength(32);
        builder.Property(b => b.Comment).HasMaxLength(IntegrityEventComment.MaxTextLength);
        builder.HasIndex(b => new { b.TenantId, b.Scope, b.Category }).IsUnique();
        builder.Ignore(b => b.IsGolden);
    }
}

internal sealed class IntegrityEventConfiguration : IEntityTypeConfiguration<IntegrityEvent>
{
    public void Configure(EntityTypeBuilder<IntegrityEvent> builder)
    {
        builder.ToTable("integrity_events");
        builder.HasKey(e => new { e.TenantId, e.Id });
        builder.Property(e => e.Category).HasMaxLength(32);
        builder.Property(e => e.Kind).HasMaxLength(64);
        builder.Property(e => e.EntryKey).HasMaxLength(1024);
        builder.Property(e => e.RuleKeys).StoredAsText(',', 1000);
        builder.Property(e => e.Resolution).HasMaxLength(32);
        builder.Property(e => e.Fingerprint).HasMaxLength(64);
        builder.Ignore(e => e.IsActive);
        // One active event per entry: two evaluations racing cannot both open one.
        builder.HasIndex(e => new { e.TenantId, e.AssetId, e.Category, e.Kind, e.EntryKey })
            .HasDatabaseName("ix_integrity_events_active_entry").IsUnique().HasFilter("status IN (0, 1)");
        builder.HasIndex(e => new { e.TenantId, e.DetectedAt });
        builder.HasIndex(e => new { e.TenantId, e.AssetId, e.DetectedAt });
        builder.HasIndex(e => new { e.TenantId, e.Status, e.Severity });
    }
}

internal sealed class IntegrityEventCommentConfiguration : IEntityTypeConfiguration<IntegrityEventComment>
{
    public void Configure(EntityTypeBuilder<IntegrityEventComment> builder)
    {
        builder.ToTable("integrity_event_comments");
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.Property(c => c.AuthorName).HasMaxLength(320);
        builder.Property(c => c.Action).HasMaxLength(32);
        builder.Property(c => c.Text).HasMaxLength(IntegrityEventComment.MaxTextLength);
        builder.HasIndex(c => new { c.TenantId, c.EventId, c.CreatedAt });
    }
}

internal sealed class IntegritySuppressionConfiguration : IEntityTypeConfiguration<IntegritySuppression>
{
    public void Configure(EntityTypeBuilder<IntegritySuppression> builder)
    {
        builder.ToTable("integrity_suppressions");
        builder.HasKey(s => new { s.TenantId, s.Id });
        builder.Property(s => s.Category).HasMaxLength(32);
        builder.Property(s => s.Kind).HasMaxLength(64);
        builder.Property(s => s.KeyPattern).HasMaxLength(IntegritySuppression.MaxPatternLength);
        builder.Property(s => s.Field).HasMaxLength(64);
        builder.Property(s => s.Comment).HasMaxLength(IntegritySuppression.MaxCommentLength);
    }
}

internal sealed class IntegrityRuleConfiguration : IEntityTypeConfiguration<IntegrityRule>
{
    public void Configure(EntityTypeBuilder<IntegrityRule> builder)
    {
        builder.ToTable("integrity_rules");
        builder.HasKey(r => new { r.TenantId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(IntegrityRule.MaxKeyLength);
        builder.Property(r => r.Title).HasMaxLength(IntegrityRule.MaxTitleLength);
    }
}
