using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Jobs;

namespace Tenantra.Data.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Kind).HasMaxLength(64);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.LeaseOwner).HasMaxLength(100);
        builder.Property(j => j.LastError).HasMaxLength(2000);
        // The claim's scan: due pending jobs and expired leases, in order.
        builder.HasIndex(j => new { j.Status, j.RunAfter });
        // A tenant's jobs, and whether one of a kind is already waiting (coalesced work such as drift evaluations).
        builder.HasIndex(j => new { j.TenantId, j.Kind, j.Status });
    }
}
