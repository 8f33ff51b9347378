using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Notifications;

namespace Tenantra.Data.Configurations;

// Severities are stored as numbers (preferences compare them); channels and statuses as names.
internal sealed class NotificationEventConfiguration : IEntityTypeConfiguration<NotificationEvent>
{
    public void Configure(EntityTypeBuilder<NotificationEvent> builder)
    {
        builder.ToTable("notification_events");
        builder.HasKey(e => new { e.TenantId, e.Id });
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.Title).HasMaxLength(NotificationEvent.MaxTitleLength);
        builder.Property(e => e.Fingerprint).HasMaxLength(200);
        builder.Property(e => e.Link).HasMaxLength(500);
        builder.HasIndex(e => new { e.TenantId, e.OccurredAt });
        // Routers take the oldest unrouted events.
        builder.HasIndex(e => new { e.TenantId, e.RoutedAt, e.OccurredAt });
    }
}

internal sealed class NotificationRuleConfiguration : IEntityTypeConfiguration<NotificationRule>
{
    public void Configure(EntityTypeBuilder<NotificationRule> builder)
    {
        builder.ToTable("notification_rules");
        builder.HasKey(r => new { r.TenantId, r.UserId, r.EventType });
        builder.Property(r => r.EventType).HasMaxLength(64);
    }
}

internal sealed class NotificationScheduleConfiguration : IEntityTypeConfiguration<NotificationSchedule>
{
    public void Configure(EntityTypeBuilder<NotificationSchedule> builder)
    {
        builder.ToTable("notification_schedules");
        builder.HasKey(s => new { s.TenantId, s.UserId });
        builder.Property(s => s.Digest).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class NotificationEndpointConfiguration : IEntityTypeConfiguration<NotificationEndpoint>
{
    public void Configure(EntityTypeBuilder<NotificationEndpoint> builder)
    {
        builder.ToTable("notification_endpoints");
        builder.HasKey(e => new { e.TenantId, e.Id });
        builder.Property(e => e.Name).HasMaxLength(NotificationEndpoint.MaxNameLength);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.UrlHint).HasMaxLength(200);
        builder.Property(e => e.EventTypes).StoredAsText(',', 2000);
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("notification_deliveries");
        builder.HasKey(d => new { d.TenantId, d.Id });
        builder.Property(d => d.EventType).HasMaxLength(64);
        builder.Property(d => d.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Recipient).HasMaxLength(NotificationDelivery.MaxRecipientLength);
        builder.Property(d => d.DedupeKey).HasMaxLength(200);
        builder.Property(d => d.ThrottleKey).HasMaxLength(64);
        builder.HasIndex(d => new { d.TenantId, d.DedupeKey }).IsUnique();
        builder.HasIndex(d => new { d.TenantId, d.ThrottleKey, d.CreatedAt });
        // The inbox: a user's in-app deliveries, newest first (named short: PostgreSQL cuts names at 63 characters).
        builder.HasIndex(d => new { d.TenantId, d.RecipientUserId, d.Channel, d.CreatedAt }).HasDatabaseName("ix_notification_deliveries_inbox");
        builder.HasIndex(d => new { d.TenantId, d.DigestId });
    }
}

internal sealed class NotificationAttemptConfiguration : IEntityTypeConfiguration<NotificationAttempt>
{
    public void Configure(EntityTypeBuilder<NotificationAttempt> builder)
    {
        builder.ToTable("notification_attempts");
        builder.HasKey(a => new { a.TenantId, a.Id });
        builder.Property(a => a.EventType).HasMaxLength(64);
        builder.Property(a => a.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Recipient).HasMaxLength(NotificationDelivery.MaxRecipientLength);
        builder.Property(a => a.Response).HasMaxLength(NotificationAttempt.MaxResponseLength);
        builder.HasIndex(a => new { a.TenantId, a.StartedAt });
        builder.HasIndex(a => new { a.TenantId, a.DeliveryId });
    }
}
