using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Agents;
using Tenantra.Data;
using Tenantra.Server.Agents;

namespace Tenantra.Server.IntegrationTests.Agents;

public sealed class NoncePurgeTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    [Fact]
    public async Task Nonces_older_than_the_retention_go_in_every_tenant_and_newer_ones_stay()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, _, agentA) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        var (second, _, agentB) = await AgentTestSupport.EnrolledAgentAsync(shared.Data, shared.App);
        using var a = agentA;
        using var b = agentB;
        foreach (var (tenant, asset) in new[] { (first, agentA.AgentId), (second, agentB.AgentId) })
        {
            await shared.App.InTenantAsync(tenant, async services =>
            {
                var db = services.GetRequiredService<TenantraDbContext>();
                db.AgentNonces.Add(new AgentNonce { TenantId = tenant, AssetId = asset, Nonce = "old-nonce-aaaaaaaaaa", SeenAt = now - AgentNoncePurgeWorker.Retention - TimeSpan.FromMinutes(1) });
                db.AgentNonces.Add(new AgentNonce { TenantId = tenant, AssetId = asset, Nonce = "new-nonce-bbbbbbbbbb", SeenAt = now - TimeSpan.FromMinutes(1) });
                return await db.SaveChangesAsync();
            });
        }

        await using (var scope = shared.App.Services.CreateAsyncScope())
        {
            await AgentNoncePurgeWorker.PurgeAsync(scope.ServiceProvider, now - AgentNoncePurgeWorker.Retention, CancellationToken.None);
        }

        foreach (var tenant in new[] { first, second })
        {
            var left = await shared.App.InTenantAsync(tenant, services =>
                services.GetRequiredService<TenantraDbContext>().AgentNonces.Select(n => n.Nonce).ToListAsync());
            Assert.Equal(["new-nonce-bbbbbbbbbb"], left);
        }

        Assert.Equal(TimeSpan.FromMinutes(10), AgentNoncePurgeWorker.Retention);
    }
}
