using Microsoft.EntityFrameworkCore;
using Tenantra.Data;

namespace Tenantra.Server.Platform;

/// <summary>Reading a table of keys the server makes for itself (payload keys, audit signing keys).</summary>
public static class StoredKeys
{
    /// <summary>
    /// Every stored key; when there is none and <paramref name="newKey"/> is given, a first one is
    /// added — and when another node adds its first key at the same moment, theirs is used.
    /// </summary>
    public static async Task<List<TKey>> LoadAsync<TKey>(TenantraDbContext db, DbSet<TKey> keys, Func<TKey>? newKey, CancellationToken cancellationToken)
        where TKey : class
    {
        var stored = await keys.AsNoTracking().ToListAsync(cancellationToken);
        if (stored.Count > 0 || newKey is null)
        {
            return stored;
        }

        keys.Add(newKey());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }

        return await keys.AsNoTracking().ToListAsync(cancellationToken);
    }
}
