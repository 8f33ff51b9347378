using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.IntegrationTests.Exports;
using Tenantra.Server.IntegrationTests.Notifications;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// Audit exports as evidence: the verifiable JSON export checked offline with only the public key
/// (and ten thousand random tamperings of it caught), the readable PDF carrying the chain check and
/// the anchor signatures.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AuditEvidenceTests
{
    private const int TamperSeed = 20261122;

    /// <summary>A tenant with a dozen records, anchored twice (after 6 and after all of them).</summary>
    private static async Task<(NotificationHarness Harness, Guid Tenant, HttpClient Admin)> AnchoredTenantAsync()
    {
        var harness = await NotificationHarness.StartAsync(receivers: null);
        var (tenant, _, admin) = await harness.TenantAsync("Evidence Dental");
        for (var i = 1; i <= 10; i++)
        {
            if (i == 5)
            {
                await AnchorAsync(harness, tenant);
            }

            var response = await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = $"Evidence Dental {i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AnchorAsync(harness, tenant);
        return (harness, tenant, admin);
    }

    private static Task<AnchorResult> AnchorAsync(NotificationHarness harness, Guid tenant) =>
        harness.App.InTenantAsync(tenant, services => services.GetRequiredService<AuditAnchoring>().AnchorAsync(services.GetRequiredService<TenantraDbContext>(), tenant));

    private static async Task<string> PublicKeysPemAsync(NotificationHarness harness)
    {
        var keys = await harness.App.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/audit/signing-keys");
        return string.Join('\n', keys.EnumerateArray().Select(k => k.GetProperty("publicKeyPem").GetString()));
    }

    [Fact]
    public async Task The_evidence_export_verifies_offline_with_only_the_public_key_and_any_tampering_of_the_file_is_caught()
    {
        var (harness, tenant, admin) = await AnchoredTenantAsync();
        await using var _ = harness;
        // Counted before the export, which adds records of its own.
        var records = await harness.App.InTenantAsync(tenant, services => Task.FromResult(services.GetRequiredService<TenantraDbContext>().AuditRecords.Count(r => r.TenantId == tenant)));
        var file = await ExportTestSupport.ExportAsync(admin, tenant, AuditEvidenceExport.DatasetKey, "json", new { });
        var pem = await PublicKeysPemAsync(harness);
        var keys = AuditSignature.PublicKeys(pem);

        var intact = AuditEvidenceFile.Verify(new MemoryStream(file), keys);

        Assert.True(intact.IsValid, string.Join("\n", intact.Problems));
        // Every record, and the export's own request (committed with its job before it ran).
        Assert.Equal(records + 1, intact.Records);
        Assert.Equal("POST /api/v1/tenants/{tenantId:guid}/exports/", JsonNode.Parse(file)!["rows"]!.AsArray()[^1]!["action"]!.GetValue<string>());
        Assert.True(intact.FromFirstRecord);
        Assert.Equal(2, intact.AnchorsChecked);

        // The command an auditor runs, on files on disk.
        var directory = Directory.CreateTempSubdirectory("tenantra-evidence-");
        try
        {
            var evidencePath = Path.Combine(directory.FullName, "evidence.json");
            var keyPath = Path.Combine(directory.FullName, "tenantra-audit.pem");
            await File.WriteAllBytesAsync(evidencePath, file);
            await File.WriteAllTextAsync(keyPath, pem);
            var ok = await CliRunner.RunAsync(null, "audit", "verify", "--file", evidencePath, "--public-key", keyPath);
            Assert.True(ok.ExitCode == 0, ok.Output);
            Assert.Contains($"{records + 1} records (from the first record), 2 anchors, sealed by key {keys.Keys.Single()}: valid.", ok.Output, StringComparison.Ordinal);

            await File.WriteAllBytesAsync(evidencePath, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(file).Replace("Evidence Dental 3", "Evidence Dental X", StringComparison.Ordinal)));
            var changed = await CliRunner.RunAsync(null, "audit", "verify", "--file", evidencePath, "--public-key", keyPath);
            Assert.True(changed.ExitCode == 1, changed.Output);
            Assert.Contains("BROKEN record ", changed.Output, StringComparison.Ordinal);
            Assert.Contains("its hash does not match its fields (changed)", changed.Output, StringComparison.Ordinal);

            using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllBytesAsync(evidencePath, file);
            await File.WriteAllTextAsync(keyPath, stranger.ExportSubjectPublicKeyInfoPem());
            var otherKey = await CliRunner.RunAsync(null, "audit", "verify", "--file", evidencePath, "--public-key", keyPath);
            Assert.True(otherKey.ExitCode == 1, otherKey.Output);
            Assert.Contains("which is not one of the trusted public keys", otherKey.Output, StringComparison.Ordinal);

            var noKey = await CliRunner.RunAsync(null, "audit", "verify", "--file", evidencePath);
            Assert.True(noKey.ExitCode == 2, noKey.Output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var original = JsonNode.Parse(file)!.AsObject();
        var trials = new Random(TamperSeed);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var copy = original.DeepClone().AsObject();
            var what = Tamper(copy, trials);
            var result = AuditEvidenceFile.Verify(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(copy)), keys);
            Assert.False(result.IsValid, $"seed {TamperSeed}, trial {trial}: {what} went undetected");
        }
    }

    /// <summary>One random tampering of the export: a changed field, a removed, inserted or moved row, the rows after an anchor cut off, or a changed seal or anchor.</summary>
    private static string Tamper(JsonObject file, Random random)
    {
        var rows = file["rows"]!.AsArray();
        var count = rows.Count;
        switch (random.Next(7))
        {
            case 0:
                var row = rows[random.Next(count)]!.AsObject();
                var field = AuditEvidenceFile.RecordColumns[random.Next(AuditEvidenceFile.RecordColumns.Length)].Key;
                var value = row[field]?.GetValue<string>();
                row[field] = value is null ? "x" : random.Next(3) == 0 ? null : value.Length > 0 && random.Next(2) == 0 ? value[..^1] : value + "x";
                return $"changing {field} of row {rows.IndexOf(row) + 1}";
            case 1:
                var removed = random.Next(count);
                rows.RemoveAt(removed);
                return $"removing row {removed + 1}";
            case 2:
                var source = rows[random.Next(count)]!.DeepClone().AsObject();
                source["id"] = Guid.NewGuid().ToString("D");
                var at = random.Next(count + 1);
                rows.Insert(at, source);
                return $"inserting a copied row at {at + 1}";
            case 3:
                var first = random.Next(count);
                var second = (first + random.Next(1, count)) % count;
                var (a, b) = (rows[first]!.DeepClone(), rows[second]!.DeepClone());
                rows[first] = b;
                rows[second] = a;
                return $"swapping rows {first + 1} and {second + 1}";
            case 4:
                var anchors = Appendix(file, AuditEvidence.AnchorsTitle);
                var anchored = long.Parse(anchors[random.Next(anchors.Count)]!["sequence"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                var keep = (int)Math.Min(count - 1, anchored + random.Next(0, 3));
                while (rows.Count > keep)
                {
                    rows.RemoveAt(rows.Count - 1);
                }

                return $"cutting the rows after row {keep} (an anchor at {anchored})";
            case 5:
                var seal = Appendix(file, AuditEvidence.SealTitle)[0]!.AsObject();
                var sealField = AuditEvidence.SealColumns[random.Next(AuditEvidence.SealColumns.Length)].Key;
                seal[sealField] = seal[sealField]!.GetValue<string>() + "0";
                return $"changing the seal's {sealField}";
            default:
                var anchor = Appendix(file, AuditEvidence.AnchorsTitle)[0]!.AsObject();
                var anchorField = AuditEvidence.AnchorColumns[random.Next(AuditEvidence.AnchorColumns.Length)].Key;
                anchor[anchorField] = anchorField == "sequence" ? "1" : anchor[anchorField]!.GetValue<string>() + "0";
                return $"changing the first anchor's {anchorField}";
        }
    }

    private static JsonArray Appendix(JsonObject file, string title) =>
        file["appendices"]!.AsArray().Single(a => a!["title"]!.GetValue<string>() == title)!["rows"]!.AsArray();

    [Fact]
    public async Task The_pdf_of_the_audit_trail_carries_the_chain_check_and_the_anchor_signatures()
    {
        var (harness, tenant, admin) = await AnchoredTenantAsync();
        await using var _ = harness;
        var anchors = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-anchors");
        var signatures = anchors.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("signature").GetString()!).ToList();
        Assert.Equal(2, signatures.Count);

        var pdf = await ExportTestSupport.ExportAsync(admin, tenant, AuditRecordsExport.DatasetKey, "pdf", new { });
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, pdf);
            var text = await ExportTestSupport.PdfTextAsync(path);
            // In reading order (not laid out in columns), a wrapped signature is one run once the line breaks go.
            var flat = string.Concat((await ExportTestSupport.PdfTextAsync(path, layout: false)).Where(c => !char.IsWhiteSpace(c)));
            Assert.Contains("Chain check at export", text, StringComparison.Ordinal);
            Assert.Contains("valid:", text, StringComparison.Ordinal);
            Assert.Contains("Signed anchors checked", text, StringComparison.Ordinal);
            Assert.All(signatures, s => Assert.Contains(s, flat, StringComparison.Ordinal));
            Assert.Contains("BEGINPUBLICKEY", flat, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
