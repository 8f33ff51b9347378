using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Agents;

internal static class AgentTestSupport
{
    /// <summary>Creates an enrollment token through the API as <paramref name="admin"/>; returns its secret and id.</summary>
    public static async Task<(string Token, Guid Id, JsonElement Created)> CreateTokenAsync(HttpClient admin, Guid tenantId, object? body = null)
    {
        var created = await ResponseAssert.ReadAsync(
            await admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/enrollment-tokens", body ?? new { label = "servers", expiresInDays = 7 }), HttpStatusCode.Created);
        return (created.GetProperty("token").GetString()!, created.GetProperty("enrollmentToken").GetProperty("id").GetGuid(), created);
    }

    /// <summary>A tenant with an admin and one enrolled agent.</summary>
    public static async Task<(Guid Tenant, HttpClient Admin, TestAgent Agent)> EnrolledAgentAsync(TestData data, TenantraTestApp app)
    {
        var (tenant, admin) = await data.TenantWithAdminAsync();
        var (token, _, _) = await CreateTokenAsync(admin, tenant);
        return (tenant, admin, await TestAgent.EnrollAsync(app, token));
    }
}
