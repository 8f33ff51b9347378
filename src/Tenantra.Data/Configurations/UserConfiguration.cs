using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Email).HasMaxLength(254);
        builder.Property(u => u.NormalizedEmail).HasMaxLength(254);
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.PasswordHash).HasMaxLength(512);
        builder.Property(u => u.SecurityStamp).HasMaxLength(64);
        builder.Property(u => u.ConcurrencyStamp).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(u => u.AuthenticatorKeyProtected).HasMaxLength(512);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.HomeTenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => u.HomeTenantId);
    }
}
