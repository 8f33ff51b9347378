using System.Net;
using System.Net.Http.Json;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>Lists sort on the server by a declared key (`sort=key` or `-key`), and refuse keys they do not have.</summary>
public sealed class ListSortingTests(SharedTestApp shared) : IClassFixture<SharedTestApp>
{
    [Fact]
    public async Task Customers_sort_by_name_both_ways_and_by_creation_time()
    {
        var mspId = await shared.Data.TenantAsync(TenantKind.Msp);
        var mspAdmin = await shared.App.SignInAsync((await shared.Data.UserAsync(mspId, Role.Admin)).Email);
        foreach (var name in new[] { "Bravo", "Alpha", "Charlie" })
        {
            await shared.Data.TenantAsync(TenantKind.Customer, mspId, name);
        }

        Assert.Equal(["Alpha", "Bravo", "Charlie"], await NamesAsync(mspAdmin, $"/api/v1/msps/{mspId}/customers?sort=name"));
        Assert.Equal(["Charlie", "Bravo", "Alpha"], await NamesAsync(mspAdmin, $"/api/v1/msps/{mspId}/customers?sort=-name"));
        Assert.Equal(["Bravo", "Alpha", "Charlie"], await NamesAsync(mspAdmin, $"/api/v1/msps/{mspId}/customers?sort=createdAt"));
        Assert.Equal(["Alpha", "Bravo", "Charlie"], await NamesAsync(mspAdmin, $"/api/v1/msps/{mspId}/customers"));
    }

    [Fact]
    public async Task Users_sort_by_email_descending_and_page_through_the_same_order()
    {
        var (tenantId, admin) = await shared.Data.TenantWithAdminAsync();
        for (var i = 0; i < 4; i++)
        {
            await shared.Data.UserAsync(tenantId, Role.Viewer);
        }

        var all = await ItemsAsync(admin, $"/api/v1/tenants/{tenantId}/users?sort=-email&pageSize=200", "email");
        var pages = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            pages.AddRange(await ItemsAsync(admin, $"/api/v1/tenants/{tenantId}/users?sort=-email&pageSize=2&page={page}", "email"));
        }

        Assert.Equal(5, all.Count);
        Assert.Equal(all.OrderByDescending(e => e.ToUpperInvariant(), StringComparer.Ordinal), all);
        Assert.Equal(all, pages);
    }

    [Theory]
    [InlineData("/api/v1/tenants/{0}/users?sort=password")]
    [InlineData("/api/v1/tenants/{0}/users?sort=--email")]
    [InlineData("/api/v1/tenants/{0}/api-tokens?sort=secretHash")]
    [InlineData("/api/v1/tenants/{0}/invitations?sort=token")]
    [InlineData("/api/v1/tenants/{0}/memberships?sort=userId")]
    [InlineData("/api/v1/tenants/{0}/audit-records?sort=hash")]
    public async Task An_unknown_sort_key_is_a_400_naming_the_sort_parameter_and_its_keys(string template)
    {
        var (tenantId, admin) = await shared.Data.TenantWithAdminAsync();

        var problem = await ResponseAssert.ProblemAsync(await admin.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, tenantId)), HttpStatusCode.BadRequest);

        var message = Assert.Single(problem.GetProperty("errors").GetProperty("sort").EnumerateArray()).GetString();
        Assert.StartsWith("must be one of: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_records_sort_oldest_first_on_request()
    {
        var (tenantId, admin) = await shared.Data.TenantWithAdminAsync();
        foreach (var email in new[] { "one@sorting.example", "two@sorting.example" })
        {
            await ResponseAssert.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/invitations", new { email, role = "viewer" }), HttpStatusCode.Created);
        }

        var newest = await SequencesAsync(admin, $"/api/v1/tenants/{tenantId}/audit-records");
        var oldest = await SequencesAsync(admin, $"/api/v1/tenants/{tenantId}/audit-records?sort=occurredAt");

        Assert.True(newest.Count >= 2);
        Assert.Equal(newest.OrderDescending(), newest);
        Assert.Equal(newest.Order(), oldest);
    }

    private static async Task<List<string>> NamesAsync(HttpClient client, string url) => await ItemsAsync(client, url, "name");

    private static async Task<List<string>> ItemsAsync(HttpClient client, string url, string property)
    {
        var page = await ResponseAssert.ReadAsync(await client.GetAsync(url), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(property).GetString()!)];
    }

    private static async Task<List<long>> SequencesAsync(HttpClient client, string url)
    {
        var page = await ResponseAssert.ReadAsync(await client.GetAsync(url), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt64())];
    }
}
