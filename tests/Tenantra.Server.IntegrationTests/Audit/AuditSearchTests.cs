using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>The viewer's full-text search, filters and record detail, on the engine under test.</summary>
public sealed class AuditSearchTests(SharedTestApp fixture) : IClassFixture<SharedTestApp>
{
    private static readonly Guid s_msp = Guid.Parse("0196b0a4-cccc-7000-8000-0000000000aa");

    private TenantraTestApp App => fixture.App;

    private TestData Data => fixture.Data;

    /// <summary>A tenant whose chain holds exactly these records (after its creation), and an auditor's client.</summary>
    private async Task<(Guid Tenant, HttpClient Auditor, long First)> TenantAsync()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var auditor = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(tenant, Role.Auditor), tenant));
        var first = await App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var start = db.AuditChainHeads.Where(h => h.TenantId == tenant).Select(h => h.LastSequence).SingleOrDefault() + 1;
            AuditRecord Record(string action, string? actor, string? targetType, string? targetId, string? ip, string? after = null, Guid? onBehalfOf = null) => new()
            {
                TenantId = tenant,
                OccurredAt = DateTimeOffset.UtcNow,
                Action = action,
                ActorName = actor,
                TargetType = targetType,
                TargetId = targetId,
                SourceIp = ip,
                After = after,
                OnBehalfOfTenantId = onBehalfOf,
                UserAgent = "Mozilla/5.0 (X11; Linux x86_64)",
                RequestId = "0HNQ8PAFOI4" + action.Length,
            };
            db.StageAudit(Record("user.created", "kofi@fabrikam.example", "user", "u-1", "10.0.0.5", """{"email":"ama@fabrikam.example","role":"analyst"}""", s_msp));
            db.StageAudit(Record("user.deleted", "kofi@fabrikam.example", "user", "u-2", "110.0.0.5"));
            db.StageAudit(Record("tenant.updated", "ama@fabrikam.example", "tenant", tenant.ToString(), "10.1.0.5", """{"name":"Renamed Dental Group"}"""));
            db.StageAudit(Record("auth.sign-in-failed", "mallory@evil.example", null, null, "203.0.113.9"));
            await db.SaveChangesAsync();
            return start;
        });
        return (tenant, auditor, first);
    }

    private static async Task<List<string>> ActionsAsync(HttpClient client, Guid tenant, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-records?{query}");
        return [.. page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString()!).Where(a => !a.StartsWith("POST ", StringComparison.Ordinal))];
    }

    [Theory]
    [InlineData("q=kofi", "user.deleted,user.created")]
    [InlineData("q=KOFI%40fabrikam", "user.deleted,user.created")]
    [InlineData("q=fabrikam.example", "tenant.updated,user.deleted,user.created")]
    [InlineData("q=10.0.0", "user.created")]
    [InlineData("q=renamed%20dental", "tenant.updated")]
    [InlineData("q=ama%20analyst", "user.created")]
    [InlineData("q=deleted%20kofi", "user.deleted")]
    [InlineData("q=sign-in-failed", "auth.sign-in-failed")]
    [InlineData("q=mozilla%20linux%20x86", "auth.sign-in-failed,tenant.updated,user.deleted,user.created")]
    [InlineData("q=nothing-like-this", "")]
    public async Task Full_text_search_matches_every_term_by_its_words_with_the_last_word_a_prefix(string query, string expected)
    {
        var (tenant, auditor, _) = await TenantAsync();

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await ActionsAsync(auditor, tenant, query));
    }

    [Theory]
    [InlineData("q=%22%20OR%201%3D1%20--")]
    [InlineData("q=a%20%26%20b%20%7C%20!c%3A*")]
    [InlineData("q=NEAR(kofi%20ama)%20*%20%5E")]
    [InlineData("q=%27%3B%20DROP%20TABLE%20audit_records%3B%20--")]
    [InlineData("q=%E2%80%AE%00%01")]
    public async Task Search_syntax_of_either_engine_is_only_words_and_never_an_error(string query)
    {
        var (tenant, auditor, _) = await TenantAsync();

        var response = await auditor.GetAsync($"/api/v1/tenants/{tenant}/audit-records?{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await ActionsAsync(auditor, tenant, "")).Count(a => a.Contains('.', StringComparison.Ordinal)));
    }

    /// <summary>An action filter is a case-sensitive prefix on both engines (on PostgreSQL a range of the C collation's order).</summary>
    [Theory]
    [InlineData("user.", "user.created,user.deleted,user.x/y")]
    [InlineData("user", "user,user-,user.created,user.deleted,user.x/y,users.exported")]
    [InlineData("users.", "users.exported")]
    [InlineData("user.c", "user.created")]
    [InlineData("USER.", "USER.created")]
    [InlineData("ü", "über.done")]
    public async Task An_action_filter_matches_exactly_the_actions_that_start_with_it(string prefix, string expected)
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var auditor = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(tenant, Role.Auditor), tenant));
        await App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            foreach (var action in new[] { "user", "user.created", "user.deleted", "users.exported", "user.x/y", "USER.created", "usex", "user-", "über.done", "uber.done" })
            {
                db.StageAudit(new AuditRecord { TenantId = tenant, OccurredAt = DateTimeOffset.UtcNow, Action = action });
            }

            return await db.SaveChangesAsync();
        });

        var actions = await ActionsAsync(auditor, tenant, $"action={Uri.EscapeDataString(prefix)}");

        Assert.Equal(expected.Split(',').Order(StringComparer.Ordinal), actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filters_by_target_source_ip_and_acting_msp_combine_with_search()
    {
        var (tenant, auditor, _) = await TenantAsync();

        Assert.Equal(["user.deleted"], await ActionsAsync(auditor, tenant, "targetType=user&targetId=u-2"));
        Assert.Equal(["user.created"], await ActionsAsync(auditor, tenant, "sourceIp=10.0.0.5"));
        Assert.Equal(["user.created"], await ActionsAsync(auditor, tenant, $"onBehalfOfTenantId={s_msp}"));
        Assert.Equal(["user.deleted"], await ActionsAsync(auditor, tenant, "targetType=user&q=deleted"));
        Assert.Empty(await ActionsAsync(auditor, tenant, "sourceIp=10.0.0.5&q=deleted"));
    }

    /// <summary>
    /// More matches than a search fetches by key (and a list counts): on PostgreSQL each record's own
    /// words are tested instead — same answers; the search alone is "10,000+" without a count.
    /// </summary>
    [Fact]
    public async Task A_search_matching_thousands_of_records_counts_and_filters_them_all()
    {
        var tenant = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var auditor = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(tenant, Role.Auditor), tenant));
        const int many = AuditSearch.FewMatches + 100;
        await App.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            for (var i = 0; i < many; i++)
            {
                db.StageAudit(new AuditRecord
                {
                    TenantId = tenant,
                    OccurredAt = DateTimeOffset.UtcNow,
                    Action = i % 100 == 0 ? "user.deleted" : "user.updated",
                    ActorName = "bulk@fabrikam.example",
                    After = $$"""{"note":"common word {{i}}"}""",
                    SourceIp = "10.9.9.9",
                });
            }

            return await db.SaveChangesAsync();
        });

        var all = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-records?q=common&pageSize=10");
        var deleted = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-records?q=common%20word&action=user.deleted&pageSize=100");

        Assert.Equal(AuditEndpoints.FilteredCountLimit, all.GetProperty("total").GetInt32());
        Assert.True(all.GetProperty("totalIsAtLeast").GetBoolean());
        Assert.Equal(10, all.GetProperty("items").GetArrayLength());
        Assert.Equal(many / 100, deleted.GetProperty("total").GetInt32());
        Assert.All(deleted.GetProperty("items").EnumerateArray(), r => Assert.Equal("user.deleted", r.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_record_is_read_by_its_sequence_with_before_and_after_and_an_unknown_one_is_a_404()
    {
        var (tenant, auditor, first) = await TenantAsync();

        var record = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-records/{first}");
        var missing = await auditor.GetAsync($"/api/v1/tenants/{tenant}/audit-records/{first + 1000}");

        Assert.Equal("user.created", record.GetProperty("action").GetString());
        Assert.Equal("""{"email":"ama@fabrikam.example","role":"analyst"}""", record.GetProperty("after").GetString());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("before").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
