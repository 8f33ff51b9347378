using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.IntegrationTests.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// Signed anchors over real chains: when they are made, what they sign with, how they are published,
/// and tampering done in the database by its owner — past the application's append-only grants —
/// caught by verification, including a truncation with the head rewritten to match.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AuditAnchoringTests
{
    private const int TamperSeed = 4471;

    private static readonly string[] s_columns =
    [
        "tenant_id", "sequence", "id", "occurred_at", "actor_user_id", "actor_token_id", "actor_name", "on_behalf_of_tenant_id", "action",
        "target_type", "target_id", "before", "after", "source_ip", "user_agent", "request_id", "outcome", "previous_hash", "hash",
    ];

    private static async Task<(TenantraTestApp App, Guid Tenant, HttpClient Admin)> TenantWithRecordsAsync(int renames)
    {
        var app = await TenantraTestApp.StartAsync();
        var data = new TestData(app);
        var (tenant, admin) = await data.TenantWithAdminAsync(name: "Anchor Legal");
        for (var i = 1; i <= renames; i++)
        {
            var response = await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = $"Anchor Legal {i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return (app, tenant, admin);
    }

    private static Task<AnchorResult> AnchorAsync(TenantraTestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, services => services.GetRequiredService<AuditAnchoring>().AnchorAsync(services.GetRequiredService<TenantraDbContext>(), tenant));

    private static Task<AuditChainVerification> VerifyAsync(TenantraTestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, services => services.GetRequiredService<AuditVerification>().VerifyAsync(tenant));

    [Fact]
    public async Task Anchors_sign_the_head_when_it_moved_with_a_published_key_and_survive_a_key_rotation()
    {
        var (app, tenant, admin) = await TenantWithRecordsAsync(renames: 3);
        await using var _ = app;

        var first = (await AnchorAsync(app, tenant)).Anchor;
        var unchanged = await AnchorAsync(app, tenant);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = "Anchor Legal 4" })).StatusCode);
        var rotated = await app.Services.GetRequiredService<AuditSigningKeys>().RotateAsync();
        var second = (await AnchorAsync(app, tenant)).Anchor;

        var head = await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditChainHeads.SingleAsync(h => h.TenantId == tenant));
        Assert.NotNull(first);
        Assert.Null(unchanged.Anchor);
        Assert.Null(unchanged.Broken);
        Assert.NotNull(second);
        Assert.True(second.Sequence > first.Sequence);
        Assert.Equal((head.LastSequence, head.LastHash), (second.Sequence, second.Hash));
        Assert.Equal(rotated, second.KeyId);
        Assert.NotEqual(first.KeyId, second.KeyId);

        // Anyone can fetch the public keys; both keys are there, the newest first, and they check the anchors.
        var keys = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/audit/signing-keys");
        Assert.Equal([second.KeyId, first.KeyId], keys.EnumerateArray().Select(k => k.GetProperty("keyId").GetString()));
        Assert.All(keys.EnumerateArray(), k => Assert.Equal("ES256", k.GetProperty("algorithm").GetString()));
        var published = AuditSignature.PublicKeys(string.Join('\n', keys.EnumerateArray().Select(k => k.GetProperty("publicKeyPem").GetString())));
        Assert.True(AuditSignature.IsAuthentic(first, published));
        Assert.True(AuditSignature.IsAuthentic(second, published));

        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{tenant}/audit-anchors");
        Assert.Equal([second.Sequence, first.Sequence], listed.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("sequence").GetInt64()));
        var verified = await admin.PostAsync($"/api/v1/tenants/{tenant}/audit-records/verify", null).ReadAsync(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("isValid").GetBoolean());
        Assert.Equal(2, verified.GetProperty("anchorsChecked").GetInt32());
        Assert.Equal(second.Sequence, verified.GetProperty("anchoredThrough").GetInt64());
    }

    [Fact]
    public async Task A_key_row_added_without_the_master_key_is_neither_published_nor_trusted()
    {
        var (app, tenant, _) = await TenantWithRecordsAsync(renames: 1);
        await using var _ = app;
        var genuine = (await AnchorAsync(app, tenant)).Anchor!;
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await app.InPlatformAsync(async db =>
        {
            db.AuditSigningKeys.Add(new AuditSigningKey
            {
                Id = AuditSignature.KeyIdOf(forger),
                PublicKeyPem = forger.ExportSubjectPublicKeyInfoPem(),
                ProtectedPrivateKey = "v1:forged",
                CreatedAt = DateTimeOffset.UtcNow.AddDays(1),
            });
            return await db.SaveChangesAsync();
        });
        var forged = AuditSignature.SignAnchor(forger, tenant, genuine.Sequence + 1, new string('f', 64), DateTimeOffset.UtcNow);
        await using (var owner = await OwnerConnection.OpenAsync(app.Database, tenant))
        {
            await InsertAnchorAsync(owner, forged);
        }

        var keys = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/audit/signing-keys");
        var result = await VerifyAsync(app, tenant);

        Assert.Equal([genuine.KeyId], keys.EnumerateArray().Select(k => k.GetProperty("keyId").GetString()));
        Assert.False(result.IsValid);
        Assert.Equal($"anchor at record {forged.Sequence}: its signature does not verify with key {forged.KeyId}", result.Problem);
    }

    [Fact]
    public async Task Anchoring_refuses_to_sign_a_chain_changed_since_its_last_anchor()
    {
        var (app, tenant, admin) = await TenantWithRecordsAsync(renames: 2);
        await using var _ = app;
        var anchor = (await AnchorAsync(app, tenant)).Anchor!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = "Anchor Legal 3" })).StatusCode);
        await using (var owner = await OwnerConnection.OpenAsync(app.Database, tenant))
        {
            Assert.Equal(1, await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET action = 'tenant.read' WHERE tenant_id = @t AND sequence = @s",
                ("t", OwnerConnection.Id(owner, tenant)), ("s", anchor.Sequence + 1)));
        }

        var result = await AnchorAsync(app, tenant);

        Assert.Null(result.Anchor);
        Assert.Equal($"record {anchor.Sequence + 1}: hash does not match its contents", result.Broken!.Problem);
        Assert.Equal(1, await app.InTenantAsync(tenant, s => s.GetRequiredService<TenantraDbContext>().AuditAnchors.CountAsync()));
    }

    /// <summary>
    /// Tampering done with SQL as the database owner — a changed field, a deleted, inserted or
    /// reordered record, or a truncation after an anchor with the head rewritten to match — is caught
    /// by verification every time; after each trial the chain is restored and verifies again.
    /// </summary>
    [Fact]
    public async Task Tampering_in_the_database_is_caught_and_truncation_after_an_anchor_even_with_the_head_rewritten()
    {
        var (app, tenant, admin) = await TenantWithRecordsAsync(renames: 6);
        await using var _ = app;
        await AnchorAsync(app, tenant);
        for (var i = 7; i <= 12; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}", new { name = $"Anchor Legal {i}" })).StatusCode);
        }

        var lastAnchor = (await AnchorAsync(app, tenant)).Anchor!;
        await using var owner = await OwnerConnection.OpenAsync(app.Database, tenant);
        var id = OwnerConnection.Id(owner, tenant);
        var saved = await RowsAsync(owner, id);
        var head = (Sequence: lastAnchor.Sequence, Hash: lastAnchor.Hash);
        Assert.Equal(head.Sequence, saved.Count);

        var random = new Random(TamperSeed);
        var kinds = new Dictionary<string, int>();
        for (var trial = 0; trial < 60; trial++)
        {
            var what = await TamperAsync(owner, id, saved, lastAnchor.Sequence, random);
            kinds[what.Split(' ')[0]] = kinds.GetValueOrDefault(what.Split(' ')[0]) + 1;
            var result = await VerifyAsync(app, tenant);
            Assert.False(result.IsValid, $"seed {TamperSeed}, trial {trial}: {what} went undetected");

            await RestoreAsync(owner, id, saved, head);
            var restored = await VerifyAsync(app, tenant);
            Assert.True(restored.IsValid, $"trial {trial}: the restored chain does not verify: {restored.Problem}");
        }

        Assert.Equal(["change", "delete", "insert", "reorder", "truncate"], kinds.Keys.Order());
    }

    private static async Task<string> TamperAsync(DbConnection owner, object id, List<object?[]> saved, long anchored, Random random)
    {
        var count = saved.Count;
        var at = random.Next(1, count + 1);
        var tenant = ("t", id);
        switch (random.Next(5))
        {
            case 0:
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET after = coalesce(after, '') || ' ' WHERE tenant_id = @t AND sequence = @s", tenant, ("s", at));
                return $"change of record {at}";
            case 1:
                await OwnerConnection.ExecuteAsync(owner, "DELETE FROM audit_records WHERE tenant_id = @t AND sequence = @s", tenant, ("s", at));
                return $"delete of record {at}";
            case 2:
                // Make room at `at`, then put a copy of the record before it there (new id, same links).
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET sequence = sequence + 1000000 WHERE tenant_id = @t AND sequence >= @s", tenant, ("s", at));
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET sequence = sequence - 999999 WHERE tenant_id = @t AND sequence >= 1000000", tenant);
                var copy = (object?[])saved[Math.Max(at - 2, 0)].Clone();
                copy[1] = (long)at;
                copy[2] = Guid.NewGuid() is var forged && owner is Microsoft.Data.Sqlite.SqliteConnection ? forged.ToString().ToUpperInvariant() : forged;
                await InsertAsync(owner, copy);
                return $"insert at {at}";
            case 3:
                var other = (at % count) + 1;
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET sequence = -1 WHERE tenant_id = @t AND sequence = @s", tenant, ("s", at));
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET sequence = @a WHERE tenant_id = @t AND sequence = @b", tenant, ("a", at), ("b", other));
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_records SET sequence = @b WHERE tenant_id = @t AND sequence = -1", tenant, ("b", other));
                return $"reorder of records {at} and {other}";
            default:
                var kept = random.Next(1, (int)anchored);
                await OwnerConnection.ExecuteAsync(owner, "DELETE FROM audit_records WHERE tenant_id = @t AND sequence > @k", tenant, ("k", kept));
                await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_chain_heads SET last_sequence = @k, last_hash = (SELECT hash FROM audit_records WHERE tenant_id = @t AND sequence = @k) WHERE tenant_id = @t",
                    tenant, ("k", kept));
                return $"truncate to {kept} records with the head rewritten";
        }
    }

    private static async Task<List<object?[]>> RowsAsync(DbConnection owner, object id)
    {
        await using var command = OwnerConnection.Command(owner, $"SELECT {string.Join(", ", s_columns)} FROM audit_records WHERE tenant_id = @t ORDER BY sequence", ("t", id));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[s_columns.Length];
            reader.GetValues(values!);
            rows.Add(values);
        }

        return rows;
    }

    private static async Task RestoreAsync(DbConnection owner, object id, List<object?[]> saved, (long Sequence, string Hash) head)
    {
        await OwnerConnection.ExecuteAsync(owner, "DELETE FROM audit_records WHERE tenant_id = @t", ("t", id));
        foreach (var row in saved)
        {
            await InsertAsync(owner, row);
        }

        await OwnerConnection.ExecuteAsync(owner, "UPDATE audit_chain_heads SET last_sequence = @s, last_hash = @h WHERE tenant_id = @t", ("t", id), ("s", head.Sequence), ("h", head.Hash));
    }

    private static Task<int> InsertAsync(DbConnection owner, object?[] row) =>
        OwnerConnection.ExecuteAsync(owner, $"INSERT INTO audit_records ({string.Join(", ", s_columns)}) VALUES ({string.Join(", ", s_columns.Select(c => "@" + c))})",
            [.. s_columns.Select((c, i) => (c, row[i] ?? DBNull.Value))]);

    private static Task<int> InsertAnchorAsync(DbConnection owner, AuditAnchor anchor) =>
        OwnerConnection.ExecuteAsync(owner, "INSERT INTO audit_anchors (tenant_id, sequence, hash, signed_at, key_id, signature) VALUES (@t, @s, @h, @at, @k, @sig)",
            ("t", OwnerConnection.Id(owner, anchor.TenantId)), ("s", anchor.Sequence), ("h", anchor.Hash),
            ("at", owner is Microsoft.Data.Sqlite.SqliteConnection ? anchor.SignedAt.UtcTicks : anchor.SignedAt), ("k", anchor.KeyId), ("sig", anchor.Signature));
}
