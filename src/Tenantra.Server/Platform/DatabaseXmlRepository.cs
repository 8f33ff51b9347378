using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Tenantra.Core.Platform;
using Tenantra.Core.Security;
using Tenantra.Data;

namespace Tenantra.Server.Platform;

/// <summary>
/// Keeps ASP.NET Core data-protection keys (session cookies, reset tokens) in the database so
/// every node shares them, encrypted with the master key so a database copy alone cannot mint sessions.
/// </summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes, SecretProtector protector) : IXmlRepository
{
    private const string Purpose = "data-protection-key";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        return [.. db.DataProtectionKeys.Select(k => k.Xml).AsEnumerable().Select(x => XElement.Parse(protector.Unprotect(x, Purpose)))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey
        {
            FriendlyName = friendlyName,
            Xml = protector.Protect(element.ToString(SaveOptions.DisableFormatting), Purpose),
        });
        db.SaveChanges();
    }
}
