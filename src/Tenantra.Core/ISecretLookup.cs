namespace Tenantra.Core;

/// <summary>
/// A tenant-scoped row that must be found before its tenant is known, by the hash of a secret
/// the caller presents (an API token, an invitation link). Both isolation walls let exactly the
/// row whose hash matches <see cref="Tenancy.TenantScope.LookupHash"/> through, and no other.
/// </summary>
public interface ISecretLookup
{
    string LookupHash { get; }
}
