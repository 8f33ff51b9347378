namespace Tenantra.Core.Agents;

/// <summary>
/// A nonce an agent has used. A request whose nonce is here is a replay and is refused. Rows older
/// than twice the allowed clock skew may go: a request that old fails the timestamp check anyway.
/// </summary>
public sealed class AgentNonce : ITenantScoped
{
    public Guid TenantId { get; init; }
    public Guid AssetId { get; init; }
    public required string Nonce { get; init; }
    public DateTimeOffset SeenAt { get; init; }
}
