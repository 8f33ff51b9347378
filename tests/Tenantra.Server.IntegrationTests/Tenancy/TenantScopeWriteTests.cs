using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>Writes of tenant-scoped rows fail closed outside their tenant's scope, on both engines.</summary>
public sealed class TenantScopeWriteTests : IAsyncLifetime
{
    private TenantraTestApp _app = null!;

    public async Task InitializeAsync() => _app = await TenantraTestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Insert_without_an_entered_scope_is_refused_and_writes_nothing()
    {
        var tenantId = await new TestData(_app).TenantAsync(TenantKind.Msp);
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        db.FeatureOverrides.Add(new FeatureOverride { TenantId = tenantId, FeatureKey = "audit", Enabled = false });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.Contains("outside that tenant's scope", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _app.InTenantAsync(tenantId, sp => sp.GetRequiredService<TenantraDbContext>().FeatureOverrides.CountAsync()));
    }

    [Fact]
    public async Task Insert_for_another_tenant_than_the_scope_is_refused_while_its_own_tenant_is_accepted()
    {
        var data = new TestData(_app);
        var mine = await data.TenantAsync(TenantKind.Msp);
        var theirs = await data.TenantAsync(TenantKind.Msp);

        var refused = await _app.InTenantAsync(mine, async sp =>
        {
            var db = sp.GetRequiredService<TenantraDbContext>();
            db.FeatureOverrides.Add(new FeatureOverride { TenantId = theirs, FeatureKey = "audit" });
            return await Record.ExceptionAsync(() => db.SaveChangesAsync());
        });
        var written = await _app.InTenantAsync(mine, async sp =>
        {
            var db = sp.GetRequiredService<TenantraDbContext>();
            db.FeatureOverrides.Add(new FeatureOverride { TenantId = mine, FeatureKey = "audit" });
            return await db.SaveChangesAsync();
        });

        Assert.IsType<InvalidOperationException>(refused);
        Assert.Equal(1, written);
        Assert.Equal(0, await _app.InTenantAsync(theirs, sp => sp.GetRequiredService<TenantraDbContext>().FeatureOverrides.CountAsync()));
    }
}
