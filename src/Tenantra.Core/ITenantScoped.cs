namespace Tenantra.Core;

/// <summary>
/// Marks an entity whose rows belong to exactly one tenant. Every such entity gets the
/// tenant query filter in the application and, on PostgreSQL, a forced row-level security
/// policy; <c>tenant_id</c> leads its primary key and every index.
/// </summary>
public interface ITenantScoped
{
    Guid TenantId { get; }
}
