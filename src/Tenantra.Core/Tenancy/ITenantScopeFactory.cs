using Microsoft.Extensions.DependencyInjection;

namespace Tenantra.Core.Tenancy;

/// <summary>
/// The one way to run work inside a tenant: a new service scope whose <see cref="TenantScope"/>
/// is entered before anything resolves a database context. Background workers and cross-tenant
/// writes (such as audit records of a denied request) use it. Dispose the scope to leave.
/// </summary>
public interface ITenantScopeFactory
{
    AsyncServiceScope Enter(Guid tenantId);
}

public sealed class TenantScopeFactory(IServiceScopeFactory scopes) : ITenantScopeFactory
{
    public AsyncServiceScope Enter(Guid tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(tenantId);
        return scope;
    }
}
