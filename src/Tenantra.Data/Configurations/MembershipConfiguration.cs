using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data.Configurations;

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.ToTable("memberships");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.CustomerScope).HasConversion<string>().HasMaxLength(24);
        builder.HasIndex(m => new { m.TenantId, m.UserId, m.Role }).IsUnique();
        builder.HasIndex(m => m.UserId);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Customers).WithOne().HasForeignKey(c => c.MembershipId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MembershipCustomerConfiguration : IEntityTypeConfiguration<MembershipCustomer>
{
    public void Configure(EntityTypeBuilder<MembershipCustomer> builder)
    {
        builder.ToTable("membership_customers");
        builder.HasKey(c => new { c.MembershipId, c.CustomerTenantId });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.CustomerTenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.CustomerTenantId);
    }
}
