namespace Tenantra.Core.Tenancy;

/// <summary>
/// The tenants that the current unit of work (a request or a background job) may touch.
/// It starts empty, so data access fails closed until a scope is entered. It is entered once;
/// work for another tenant opens its own scope through <see cref="ITenantScopeFactory"/>.
/// </summary>
public sealed class TenantScope
{
    private static readonly Guid[] s_none = [];

    public Guid[] TenantIds { get; private set; } = s_none;

    /// <summary>Hash of a presented secret; see <see cref="ISecretLookup"/>.</summary>
    public string? LookupHash { get; private set; }

    public bool IsEntered => TenantIds.Length > 0;

    public void Enter(Guid tenantId) => Enter([tenantId]);

    /// <summary>Enters a roll-up scope over several tenants (an MSP's customers).</summary>
    public void Enter(IReadOnlyCollection<Guid> tenantIds)
    {
        if (tenantIds.Count == 0 || tenantIds.Contains(Guid.Empty))
        {
            throw new ArgumentException("A tenant scope needs at least one real tenant id.", nameof(tenantIds));
        }

        var requested = tenantIds.Distinct().Order().ToArray();
        if (IsEntered && !requested.SequenceEqual(TenantIds))
        {
            throw new InvalidOperationException("This unit of work is already scoped to other tenants; open a new scope.");
        }

        TenantIds = requested;
    }

    /// <summary>Allows the one row whose secret hash matches to be read before its tenant is known.</summary>
    public void AllowLookup(string secretHash) => LookupHash = secretHash;
}
