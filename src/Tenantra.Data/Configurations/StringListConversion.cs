using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenantra.Data.Configurations;

/// <summary>A short list of strings stored in one text column, joined by a separator its items never contain.</summary>
internal static class StringListConversion
{
    public static PropertyBuilder<List<string>> StoredAsText(this PropertyBuilder<List<string>> property, char separator, int maxLength) =>
        property
            .HasConversion(
                items => string.Join(separator, items),
                text => text.Split(separator, StringSplitOptions.RemoveEmptyEntries).ToList(),
                new ValueComparer<List<string>>(
                    (a, b) => a!.SequenceEqual(b!),
                    items => items.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode(StringComparison.Ordinal))),
                    items => items.ToList()))
            .HasMaxLength(maxLength);
}
