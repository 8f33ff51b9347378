using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Jobs;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.IntegrationTests.Data;
using Tenantra.Server.IntegrationTests.Exports;
using Tenantra.Server.Platform.Jobs;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// Rotation: records older than the archive window move into compressed, signed segments that stay
/// verifiable (in the database and offline), can be searched and downloaded, and whose tampering —
/// done as the database owner — verification catches.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AuditArchiveTests
{
    /// <summary>The tenant's names 40 days ago, one rename each: words full-text search can tell apart.</summary>
    private static readonly string[] s_oldNames = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo"];

    private sealed record Trail(TenantraTestApp App, ShiftableClock Clock, Guid Tenant, TestUser Admin, long OldThrough, long Head) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>
    /// A tenant whose first records (sign-in and a rename to each of <see cref="s_oldNames"/>) happened 40 days
    /// ago and were anchored then, and two renames today; archive window 30 days.
    /// </summary>
    private static async Task<Trail> TrailAsync(int segmentRecords)
    {
        var clock = new ShiftableClock { Shift = -TimeSpan.FromDays(40) };
        var app = await TenantraTestApp.StartAsync(
            new Dictionary<string, string?> { ["Tenantra:Audit:ArchiveAfterDays"] = "30", ["Tenantra:Audit:ArchiveSegmentRecords"] = $"{segmentRecords}" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var data = new TestData(app);
        var tenant = await data.TenantAsync(TenantKind.Customer, name: "Archive Legal");
        var admin = await data.UserAsync(tenant, Role.Admin);
        var then = await app.SignInAsync(admin.Email);
        foreach (var name in s_oldNames)
        {
            Assert.Equal(HttpStatusCode.OK, (await then.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = $"Archive Legal {name}" })).StatusCode);
        }

        var oldThrough = (await AnchorAsync(app, tenant)).Anchor!.Sequence;
        clock.Shift = TimeSpan.Zero;
        var now = await app.SignInAsync(admin.Email);
        foreach (var name in new[] { "Archive Legal today", "Archive Legal tonight" })
        {
            Assert.Equal(HttpStatusCode.OK, (await now.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name })).StatusCode);
        }

        var head = (await AnchorAsync(app, tenant)).Anchor!.Sequence;
        return new Trail(app, clock, tenant, admin, oldThrough, head);
    }

    private static Task<AnchorResult> AnchorAsync(TenantraTestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, services => services.GetRequiredService<AuditAnchoring>().AnchorAsync(services.GetRequiredService<TenantraDbContext>(), tenant));

    private static Task<ArchiveResult> ArchiveNextAsync(Trail trail) =>
        trail.App.InTenantAsync(trail.Tenant, services => services.GetRequiredService<AuditArchiver>().ArchiveNextAsync(trail.Tenant));

    private static async Task<List<AuditArchiveSegment>> ArchiveAllAsync(Trail trail)
    {
        for (var result = await ArchiveNextAsync(trail); result.Segment is not null; result = await ArchiveNextAsync(trail))
        {
            Assert.Null(result.Broken);
        }

        return await SegmentsAsync(trail);
    }

    private static Task<List<AuditArchiveSegment>> SegmentsAsync(Trail trail) =>
        trail.App.InTenantAsync(trail.Tenant, s => s.GetRequiredService<TenantraDbContext>().AuditArchiveSegments.AsNoTracking().OrderBy(x => x.FirstSequence).ToListAsync());

    private static Task<AuditChainVerification> VerifyAsync(Trail trail) =>
        trail.App.InTenantAsync(trail.Tenant, services => services.GetRequiredService<AuditVerification>().VerifyAsync(trail.Tenant));

    private static Task<List<long>> LiveSequencesAsync(Trail trail) =>
        trail.App.InTenantAsync(trail.Tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords.OrderBy(r => r.Sequence).Select(r => r.Sequence).ToListAsync());

    [Fact]
    public async Task Records_older_than_the_window_move_into_anchored_segments_and_the_chain_still_verifies()
    {
        await using var trail = await TrailAsync(segmentRecords: 5);
        var before = await trail.App.InTenantAsync(trail.Tenant, s => s.GetRequiredService<TenantraDbContext>().AuditRecords.AsNoTracking().OrderBy(r => r.Sequence).ToListAsync());

        var segments = await ArchiveAllAsync(trail);

        // Every old record, in segments of at most five, back to back from record 1; the recent ones stay live.
        Assert.Equal(1, segments[0].FirstSequence);
        Assert.Equal(trail.OldThrough, segments[^1].LastSequence);
        Assert.All(segments.Zip(segments.Skip(1)), pair => Assert.Equal(pair.First.LastSequence + 1, pair.Second.FirstSequence));
        Assert.All(segments, s => Assert.InRange(s.Records, 1, 5));
        Assert.Equal(segments.Select(s => s.LastSequence - s.FirstSequence + 1), segments.Select(s => (long)AuditArchive.Read(s).Count));
        Assert.Equal(trail.OldThrough, segments.Sum(s => (long)s.Records));
        Assert.Equal(Enumerable.Range((int)trail.OldThrough + 1, (int)(trail.Head - trail.OldThrough)).Select(i => (long)i), await LiveSequencesAsync(trail));

        // Each segment ends at a signed anchor, and holds exactly the records that left the table, compressed.
        var anchored = await trail.App.InTenantAsync(trail.Tenant, s => s.GetRequiredService<TenantraDbContext>().AuditAnchors.Select(a => a.Sequence).ToListAsync());
        Assert.All(segments, s => Assert.Contains(s.LastSequence, anchored));
        var archived = segments.SelectMany(AuditArchive.Read).ToList();
        Assert.Equal(before.Take(archived.Count).Select(r => (r.Sequence, r.Hash, r.Action, r.After)), archived.Select(r => (r.Sequence, r.Hash, r.Action, r.After)));
        Assert.All(segments, s => Assert.True(s.Content.Length < s.UncompressedBytes, $"segment {s.FirstSequence}: {s.Content.Length} of {s.UncompressedBytes} bytes"));

        var verified = await VerifyAsync(trail);
        Assert.True(verified.IsValid, verified.Problem);
        Assert.Equal(trail.Head, verified.RecordsChecked);
        Assert.Equal(anchored.Count, verified.AnchorsChecked);

        // Nothing more is due; archiving again changes nothing.
        Assert.Null((await ArchiveNextAsync(trail)).Segment);
        Assert.Equal(segments.Count, (await SegmentsAsync(trail)).Count);
    }

    [Fact]
    public async Task Archived_records_are_listed_by_segment_searched_on_demand_read_by_number_and_downloaded_as_verifiable_evidence()
    {
        await using var trail = await TrailAsync(segmentRecords: 100);
        var segment = Assert.Single(await ArchiveAllAsync(trail));
        var admin = await trail.App.SignInAsync(trail.Admin.Email);
        var live = (await LiveSequencesAsync(trail)).Count;

        // The live list counts only live records; full-text search there no longer finds the archived words.
        var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{trail.Tenant}/audit-records?pageSize=200");
        Assert.Equal(live, list.GetProperty("total").GetInt32());
        Assert.Equal(live, list.GetProperty("items").GetArrayLength());
        var searched = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{trail.Tenant}/audit-records?q=juliett");
        Assert.Equal(0, searched.GetProperty("total").GetInt32());

        var segments = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{trail.Tenant}/audit-archive");
        var listed = Assert.Single(segments.GetProperty("items").EnumerateArray());
        Assert.Equal((1L, trail.OldThrough, (int)trail.OldThrough), (listed.GetProperty("firstSequence").GetInt64(), listed.GetProperty("lastSequence").GetInt64(), listed.GetProperty("records").GetInt32()));
        Assert.Equal(segment.Content.Length, listed.GetProperty("compressedBytes").GetInt64());
        var recent = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{trail.Tenant}/audit-archive?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))}");
        Assert.Equal(0, recent.GetProperty("total").GetInt32());

        // Inside the segment: the list's filters and full-text search, newest first.
        var archive = $"/api/v1/tenants/{trail.Tenant}/audit-archive/1/records";
        var renamed = (await admin.GetFromJsonAsync<JsonElement>($"{archive}?q=juliett")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, renamed.Count);
        Assert.Contains("Archive Legal juliett", renamed[0].GetProperty("before").GetString());
        Assert.Contains("Archive Legal kilo", renamed[0].GetProperty("after").GetString());
        var hit = renamed[1];
        Assert.Equal("tenant.updated", hit.GetProperty("action").GetString());
        Assert.Contains("Archive Legal juliett", hit.GetProperty("after").GetString());
        var both = (await admin.GetFromJsonAsync<JsonElement>($"{archive}?q=juliett%20kil")).GetProperty("items");
        Assert.Equal(renamed[0].GetProperty("sequence").GetInt64(), Assert.Single(both.EnumerateArray()).GetProperty("sequence").GetInt64());
        var updates = await admin.GetFromJsonAsync<JsonElement>($"{archive}?action=tenant.&pageSize=4&page=2");
        Assert.Equal(s_oldNames.Length, updates.GetProperty("total").GetInt32());
        var sequences = updates.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(4, sequences.Count);
        Assert.Equal(sequences.OrderDescending(), sequences);
        var failures = await admin.GetFromJsonAsync<JsonElement>($"{archive}?outcome=failure");
        Assert.Equal(0, failures.GetProperty("total").GetInt32());

        // A record's own page still opens (alerts link to records by number).
        var first = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{trail.Tenant}/audit-records/{hit.GetProperty("sequence").GetInt64()}");
        Assert.Equal(hit.GetProperty("hash").GetString(), first.GetProperty("hash").GetString());

        // Bad requests are field errors and unknown segments 404s.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{archive}?sort=actor")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{archive}?outcome=maybe")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/tenants/{trail.Tenant}/audit-archive/2/records")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/tenants/{trail.Tenant}/audit-archive/2/file")).StatusCode);

        // The file is the evidence format: checked offline with only the published public keys.
        var file = await admin.GetAsync($"/api/v1/tenants/{trail.Tenant}/audit-archive/1/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/gzip", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"audit-segment-1-{trail.OldThrough}.json.gz", file.Content.Headers.ContentDisposition!.FileNameStar ?? file.Content.Headers.ContentDisposition.FileName);
        var keys = await trail.App.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/audit/signing-keys");
        var published = AuditSignature.PublicKeys(string.Join('\n', keys.EnumerateArray().Select(k => k.GetProperty("publicKeyPem").GetString())));
        await using var gzip = new GZipStream(await file.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var offline = AuditEvidenceFile.Verify(gzip, published);
        Assert.True(offline.IsValid, string.Join("; ", offline.Problems));
        Assert.Equal((trail.OldThrough, true, 1), (offline.Records, offline.FromFirstRecord, offline.AnchorsChecked));
    }

    [Fact]
    public async Task Exports_with_archived_records_read_the_segments_first_and_the_evidence_verifies_offline_from_record_one()
    {
        await using var trail = await TrailAsync(segmentRecords: 5);
        await ArchiveAllAsync(trail);

        // Exports are written by the job worker: a server with its workers on, over the same data.
        await using var running = await TenantraTestApp.StartAsync(new Dictionary<string, string?> { ["Tenantra:Workers:Enabled"] = "true", ["Tenantra:Jobs:PollMilliseconds"] = "25" }, database: trail.App.Database);
        var admin = await running.SignInAsync(trail.Admin.Email);
        async Task<string> ExportAsync(string dataset, string format, object filters) =>
            Encoding.UTF8.GetString(await ExportTestSupport.ExportAsync(admin, trail.Tenant, dataset, format, filters));

        var renamesLive = await ExportAsync(AuditRecordsExport.DatasetKey, "csv", new { action = "tenant.updated" });
        var renamesAll = await ExportAsync(AuditRecordsExport.DatasetKey, "csv", new { action = "tenant.updated", archived = "true" });
        var evidence = await ExportAsync(AuditEvidenceExport.DatasetKey, "json", new { archived = "true" });

        int Rows(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.Equal(2, Rows(renamesLive));
        Assert.Equal(s_oldNames.Length + 2, Rows(renamesAll));
        Assert.InRange(long.Parse(renamesAll.Split('\n')[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture), 1, trail.OldThrough);
        var keys = await running.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/audit/signing-keys");
        var published = AuditSignature.PublicKeys(string.Join('\n', keys.EnumerateArray().Select(k => k.GetProperty("publicKeyPem").GetString())));
        var offline = AuditEvidenceFile.Verify(new MemoryStream(Encoding.UTF8.GetBytes(evidence)), published);
        Assert.True(offline.IsValid, string.Join("; ", offline.Problems));
        Assert.True(offline.FromFirstRecord);
        Assert.True(offline.Records > trail.Head, $"{offline.Records} records exported, the head was {trail.Head} before the exports");

        var refused = await admin.PostAsJsonAsync($"/api/v1/tenants/{trail.Tenant}/exports", new { dataset = AuditRecordsExport.DatasetKey, format = "csv", filters = new { archived = "maybe" } });
        var problem = await refused.ReadAsync(HttpStatusCode.BadRequest);
        Assert.Equal("must be true or false.", problem.GetProperty("errors").GetProperty("filters.archived")[0].GetString());
    }

    [Fact]
    public async Task Tampering_with_an_archive_segment_as_the_database_owner_is_caught_by_verification()
    {
        await using var trail = await TrailAsync(segmentRecords: 4);
        var segments = await ArchiveAllAsync(trail);
        var target = segments[1];
        var original = target.Content;
        await using var owner = await OwnerConnection.OpenAsync(trail.App.Database, trail.Tenant);
        var tenant = ("t", OwnerConnection.Id(owner, trail.Tenant));

        async Task<AuditChainVerification> WithContentAsync(byte[] content)
        {
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_archive_segments SET content = @c WHERE tenant_id = @t AND first_sequence = @f", tenant, ("c", content), ("f", target.FirstSequence)));
            return await VerifyAsync(trail);
        }

        // One field of one record changed inside the compressed file.
        var changed = await WithContentAsync(Rewrite(original, rows => rows[1]!["action"] = "tenant.read"));
        Assert.False(changed.IsValid);
        Assert.Equal(target.FirstSequence + 1, changed.FirstBadSequence);
        Assert.Equal($"record {target.FirstSequence + 1}: hash does not match its contents", changed.Problem);

        // A record removed from the file, with the segment's own numbers left as they were.
        var removed = await WithContentAsync(Rewrite(original, rows => rows.RemoveAt(2)));
        Assert.False(removed.IsValid);
        Assert.Equal(target.FirstSequence + 2, removed.FirstBadSequence);

        // Bytes that no longer decompress: reported, and the segment's search says so instead of failing.
        var garbled = await WithContentAsync([.. original.Take(40), .. Enumerable.Repeat((byte)0x5a, 64)]);
        Assert.False(garbled.IsValid);
        Assert.StartsWith($"record {target.FirstSequence}: the archive segment of records {target.FirstSequence}–{target.LastSequence} is unreadable", garbled.Problem);
        var admin = await trail.App.SignInAsync(trail.Admin.Email);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync($"/api/v1/tenants/{trail.Tenant}/audit-archive/{target.FirstSequence}/records")).StatusCode);

        // Restored, the chain verifies again; the segment's signed facts altered as a row do not, though its records still would.
        Assert.True((await WithContentAsync(original)).IsValid);
        Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_archive_segments SET content_sha256 = upper(content_sha256) WHERE tenant_id = @t AND first_sequence = @f", tenant, ("f", target.FirstSequence)));
        var resigned = await VerifyAsync(trail);
        Assert.False(resigned.IsValid);
        Assert.Equal($"record {target.FirstSequence}: the archive segment of records {target.FirstSequence}–{target.LastSequence} is not as signed (its signature, content hash or range was altered)", resigned.Problem);
        Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_archive_segments SET content_sha256 = lower(content_sha256) WHERE tenant_id = @t AND first_sequence = @f", tenant, ("f", target.FirstSequence)));
        Assert.True((await VerifyAsync(trail)).IsValid);

        // A whole segment deleted leaves a gap.
        Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "DELETE FROM audit_archive_segments WHERE tenant_id = @t AND first_sequence = @f", tenant, ("f", target.FirstSequence)));
        var gap = await VerifyAsync(trail);
        Assert.False(gap.IsValid);
        Assert.Equal($"record {target.FirstSequence}: sequence {target.LastSequence + 1} follows {target.FirstSequence - 1} (gap)", gap.Problem);
    }

    [Fact]
    public async Task A_chain_changed_before_archiving_is_not_archived()
    {
        await using var trail = await TrailAsync(segmentRecords: 100);
        await using (var owner = await OwnerConnection.OpenAsync(trail.App.Database, trail.Tenant))
        {
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET action = 'tenant.read' WHERE tenant_id = @t AND sequence = 3",
                ("t", OwnerConnection.Id(owner, trail.Tenant))));
        }

        var result = await ArchiveNextAsync(trail);

        Assert.Null(result.Segment);
        Assert.Equal("record 3: hash does not match its contents", result.Broken!.Problem);
        Assert.Empty(await SegmentsAsync(trail));
        Assert.Equal(trail.Head, (await LiveSequencesAsync(trail)).Count);
    }

    [Fact]
    public async Task The_archive_job_moves_one_segment_per_run_and_queues_the_next_and_the_cli_archives_the_rest()
    {
        await using var trail = await TrailAsync(segmentRecords: 3);
        var queued = await trail.App.InTenantAsync(trail.Tenant, async services =>
        {
            var staged = await AuditArchiver.EnqueueAsync(services.GetRequiredService<JobQueue>(), trail.Tenant, DateTimeOffset.UtcNow, CancellationToken.None);
            await services.GetRequiredService<TenantraDbContext>().SaveChangesAsync();
            return staged;
        });
        Assert.True(queued);

        await trail.App.RunPendingJobsAsync(trail.Tenant, AuditArchiver.Kind);

        var afterJob = await SegmentsAsync(trail);
        Assert.Equal((1L, 3L), (afterJob.Single().FirstSequence, afterJob.Single().LastSequence));
        var next = await trail.App.InPlatformAsync(db => db.Jobs.CountAsync(j => j.TenantId == trail.Tenant && j.Kind == AuditArchiver.Kind && j.Status == JobStatus.Pending));
        Assert.True(next >= 1, "the run queued the next segment");

        var (exitCode, output) = await CliRunner.RunAsync(trail.App.Database, "audit", "archive", "--Tenantra:Audit:ArchiveAfterDays=30", "--Tenantra:Audit:ArchiveSegmentRecords=3");
        Assert.True(exitCode == 0, output);
        var archivedByCli = trail.OldThrough - 3;
        Assert.Contains($"{(archivedByCli + 2) / 3} archive segments written, {archivedByCli} records archived, 0 chains not archived.", output);
        Assert.Equal(trail.OldThrough, (await SegmentsAsync(trail))[^1].LastSequence);

        var (verifyExit, verifyOutput) = await CliRunner.RunAsync(trail.App.Database, "audit", "verify", "--tenant", trail.Tenant.ToString());
        Assert.True(verifyExit == 0, verifyOutput);
        Assert.Contains($"1 chains, {trail.Head} records and", verifyOutput);
    }

    [Fact]
    public async Task A_running_server_anchors_and_archives_what_is_due_on_its_own()
    {
        await using var trail = await TrailAsync(segmentRecords: 4);

        // A second server over the same data with its workers on: the anchor worker runs as it starts, finds records due
        // and queues the archive job, which archives one segment per run and queues the next.
        await using var running = await TenantraTestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Tenantra:Workers:Enabled"] = "true",
                ["Tenantra:Jobs:PollMilliseconds"] = "25",
                ["Tenantra:Audit:ArchiveAfterDays"] = "30",
                ["Tenantra:Audit:ArchiveSegmentRecords"] = "4",
            },
            database: trail.App.Database);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var segments = await SegmentsAsync(trail);
        while (segments.LastOrDefault()?.LastSequence != trail.OldThrough && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
            segments = await SegmentsAsync(trail);
        }

        Assert.Equal(trail.OldThrough, segments.LastOrDefault()?.LastSequence);
        Assert.Equal((trail.OldThrough + 3) / 4, segments.Count);
        var verified = await VerifyAsync(trail);
        Assert.True(verified.IsValid, verified.Problem);
        Assert.Equal(trail.Head, verified.RecordsChecked);
    }

    /// <summary>The segment's JSON with its rows edited, compressed again.</summary>
    private static byte[] Rewrite(byte[] content, Action<JsonArray> edit)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        var document = JsonNode.Parse(gzip)!;
        edit(document["rows"]!.AsArray());
        using var output = new MemoryStream();
        using (var compressed = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressed.Write(Encoding.UTF8.GetBytes(document.ToJsonString()));
        }

        return output.ToArray();
    }
}
