using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Exports;

/// <summary>Exports end to end: requested over the API, written by the real job worker, followed, downloaded, deleted.</summary>
public sealed class ExportJobTests
{
    private static async Task<(TenantraTestApp App, Guid Tenant, HttpClient Admin, TestUser AdminUser)> StartAsync()
    {
        var app = await TenantraTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Tenantra:Workers:Enabled"] = "true",
            ["Tenantra:Jobs:PollMilliseconds"] = "50",
        });
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer, name: "Export Dental");
        var adminUser = await data.UserAsync(tenant, Role.Admin);
        var admin = await app.SignInAsync(adminUser.Email);
        // Audit records to export: each change below is one (plus the sign-in's).
        for (var i = 0; i < 3; i++)
        {
            await ResponseAssert.ReadAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/asset-groups", new { name = $"Group {i}" }), HttpStatusCode.Created);
        }

        return (app, tenant, admin, adminUser);
    }

    private static async Task<JsonElement> WaitUntilDoneAsync(HttpClient client, Guid tenant, string id)
    {
        for (var i = 0; i < 300; i++)
        {
            var export = await ResponseAssert.ReadAsync(client.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}"), HttpStatusCode.OK);
            if (export.GetProperty("status").GetString() is "ready" or "failed")
            {
                return export;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Export {id} did not finish.");
    }

    [Fact]
    public async Task An_audit_trail_csv_is_written_in_the_background_and_downloads_with_the_recorded_hash_and_an_audit_record()
    {
        var (app, tenant, admin, _) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        var expected = await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords
            .Where(r => r.TenantId == tenant && r.Action.StartsWith("asset-group.")).OrderBy(r => r.Sequence).Select(r => r.Sequence).ToListAsync());

        var created = await ResponseAssert.ReadAsync(
            admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "audit-records", format = "csv", filters = new { action = "asset-group." } }),
            HttpStatusCode.Accepted);
        Assert.Equal("queued", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetString()!;
        var done = await WaitUntilDoneAsync(admin, tenant, id);

        Assert.Equal("ready", done.GetProperty("status").GetString());
        Assert.Equal(3, done.GetProperty("rows").GetInt64());
        Assert.Equal(3, done.GetProperty("rowsWritten").GetInt64());
        var download = await admin.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}/file");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(done.GetProperty("fileName").GetString(), download.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(done.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(bytes.Length, done.GetProperty("sizeBytes").GetInt64());
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Sequence,Occurred at (UTC),Actor,Action", lines[0], StringComparison.Ordinal);
        Assert.Equal(expected.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines[1..].Select(l => l.Split(',')[0]));
        Assert.All(lines[1..], l => Assert.Contains(",asset-group.created,", l, StringComparison.Ordinal));

        var audited = await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords
            .Where(r => r.TenantId == tenant && r.Action == "export.downloaded").Select(r => r.TargetId).ToListAsync());
        Assert.Equal([id], audited);
    }

    [Fact]
    public async Task A_trail_longer_than_one_read_batch_is_exported_whole_and_recorded()
    {
        var (app, tenant, admin, _) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        const int count = 2_500; // the dataset reads 1,000 records at a time
        await app.InTenantAsync(tenant, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            for (var i = 0; i < count; i++)
            {
                db.StageAudit(new Core.Audit.AuditRecord { TenantId = tenant, Action = "bulk.imported", TargetId = $"item-{i}", OccurredAt = DateTimeOffset.UtcNow });
            }

            return await db.SaveChangesAsync();
        });

        var created = await ResponseAssert.ReadAsync(
            admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "audit-records", format = "csv", filters = new { action = "bulk." } }),
            HttpStatusCode.Accepted);
        var done = await WaitUntilDoneAsync(admin, tenant, created.GetProperty("id").GetString()!);

        Assert.Equal(("ready", count), (done.GetProperty("status").GetString(), done.GetProperty("rows").GetInt64()));
        var bytes = await admin.GetByteArrayAsync($"/api/v1/tenants/{tenant}/exports/{done.GetProperty("id").GetString()}/file");
        Assert.Equal(bytes.Length, done.GetProperty("sizeBytes").GetInt64());
        var targets = Encoding.UTF8.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => l.Split(',')[5]).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"item-{i}"), targets);
    }

    [Fact]
    public async Task A_zip_holds_csv_and_json_with_a_manifest_whose_hashes_match()
    {
        var (app, tenant, admin, _) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        var created = await ResponseAssert.ReadAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "audit-records", format = "zip" }), HttpStatusCode.Accepted);
        var done = await WaitUntilDoneAsync(admin, tenant, created.GetProperty("id").GetString()!);
        Assert.Equal("ready", done.GetProperty("status").GetString());

        var bytes = await admin.GetByteArrayAsync($"/api/v1/tenants/{tenant}/exports/{done.GetProperty("id").GetString()}/file");
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal(["SHA256SUMS", "audit-records.csv", "audit-records.json", "manifest.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var sums = new StreamReader(zip.GetEntry("SHA256SUMS")!.Open()).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in sums)
        {
            var (hash, name) = (line[..64], line[66..]);
            using var entry = zip.GetEntry(name)!.Open();
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(entry)));
        }

        Assert.Equal(2, sums.Length);
        var json = JsonDocument.Parse(zip.GetEntry("audit-records.json")!.Open()).RootElement;
        Assert.Equal("Export Dental", json.GetProperty("tenant").GetString());
        Assert.Equal(done.GetProperty("rows").GetInt64(), json.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_are_field_errors_and_write_nothing()
    {
        var (app, tenant, admin, _) = await StartAsync();
        await using var _ = app;
        using var __ = admin;

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { dataset = "everything", format = "csv" }, "dataset"),
            (new { dataset = "audit-records", format = "xlsx" }, "format"),
            (new { dataset = "audit-records", format = "1" }, "format"),
            (new { dataset = "audit-records", format = "csv", filters = new { outcome = "maybe" } }, "filters.outcome"),
            (new { dataset = "audit-records", format = "csv", filters = new { from = "yesterday" } }, "filters.from"),
            (new { dataset = "audit-records", format = "csv", filters = new { colour = "red" } }, "filters.colour"),
        })
        {
            var problem = await ResponseAssert.ProblemAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", body), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var _), $"{JsonSerializer.Serialize(body)}: {problem}");
        }

        var list = await ResponseAssert.ReadAsync(admin.GetAsync($"/api/v1/tenants/{tenant}/exports"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Exports_are_the_requesters_own_and_need_the_datasets_permission()
    {
        var (app, tenant, admin, _) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        var data = new TestData(app);
        using var viewer = await app.SignInAsync((await data.UserAsync(tenant, Role.Viewer)).Email);
        using var otherAdmin = await app.SignInAsync((await data.UserAsync(tenant, Role.Admin)).Email);
        var created = await ResponseAssert.ReadAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "audit-records", format = "json" }), HttpStatusCode.Accepted);
        var id = created.GetProperty("id").GetString();

        await ResponseAssert.ProblemAsync(viewer.PostAsJsonAsync($"/api/v1/tenants/{tenant}/exports", new { dataset = "audit-records", format = "csv" }), HttpStatusCode.Forbidden);
        await ResponseAssert.ProblemAsync(otherAdmin.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(otherAdmin.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}/file"), HttpStatusCode.NotFound);
        await ResponseAssert.ProblemAsync(otherAdmin.DeleteAsync($"/api/v1/tenants/{tenant}/exports/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await ResponseAssert.ReadAsync(otherAdmin.GetAsync($"/api/v1/tenants/{tenant}/exports"), HttpStatusCode.OK)).GetProperty("total").GetInt32());

        await WaitUntilDoneAsync(admin, tenant, id!);
        await ResponseAssert.ReadAsync(admin.DeleteAsync($"/api/v1/tenants/{tenant}/exports/{id}"), HttpStatusCode.NoContent);
        await ResponseAssert.ProblemAsync(admin.GetAsync($"/api/v1/tenants/{tenant}/exports/{id}/file"), HttpStatusCode.NotFound);
        Assert.Empty(Directory.GetFiles(Path.Combine(app.Database.Directory, "exports", tenant.ToString("N"))));
    }
}
