namespace Tenantra.Core.Audit;

/// <summary>
/// The last link of a tenant's chain, written in the same transaction as the record. It lets
/// verification notice records removed from the end, and serialises writers of one chain.
/// </summary>
public sealed class AuditChainHead : ITenantScoped
{
    public Guid TenantId { get; init; }
    public long LastSequence { get; set; }
    public string LastHash { get; set; } = "";
}
