using System.Collections.Concurrent;

namespace Tenantra.Server.Identity;

/// <summary>
/// Decides when a token's last-used time is written: at most once a minute per token on this
/// node. Without it, every concurrent request of a busy integration would see a stale time at the
/// same moment and queue on the same row's lock.
/// </summary>
public sealed class ApiTokenUsage
{
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastWritten = new();

    /// <summary>True for exactly one caller per token and <see cref="Resolution"/>, when the stored time is also stale.</summary>
    public bool ShouldRecord(Guid tokenId, DateTimeOffset? storedLastUsed, DateTimeOffset now)
    {
        if (storedLastUsed is { } stored && now - stored < Resolution)
        {
            return false;
        }

        while (true)
        {
            if (_lastWritten.TryGetValue(tokenId, out var written))
            {
                if (now - written < Resolution)
                {
                    return false;
                }

                if (_lastWritten.TryUpdate(tokenId, now, written))
                {
                    return true;
                }
            }
            else if (_lastWritten.TryAdd(tokenId, now))
            {
                return true;
            }
        }
    }
}
