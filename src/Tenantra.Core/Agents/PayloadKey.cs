namespace Tenantra.Core.Agents;

/// <summary>
/// A data key for snapshot payloads, stored wrapped by the master key. The newest is used for new
/// payloads; older ones stay to read what they encrypted. Rotating adds a key (<c>tenantra keys rotate</c>).
/// </summary>
public sealed class PayloadKey
{
    public int Id { get; init; }
    public required string ProtectedKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
