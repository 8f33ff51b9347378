using System.Security.Cryptography;
using Tenantra.Core.Audit;

namespace Tenantra.Core.Tests.Audit;

public sealed class AuditAnchorTests
{
    private const int TamperSeed = 90210417;
    private static readonly Guid s_tenantId = Guid.Parse("0196b0a4-bbbb-7000-8000-00000000000b");
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 18, 0, 0, 123, TimeSpan.Zero);
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly Dictionary<string, ECDsa> s_keys = new() { [AuditSignature.KeyIdOf(s_key)] = s_key };

    [Fact]
    public void An_anchor_verifies_with_its_key_and_not_once_any_stated_field_changes_or_with_another_key()
    {
        var anchor = AuditSignature.SignAnchor(s_key, s_tenantId, 42, new string('a', 64), s_now.AddTicks(7));

        Assert.True(AuditSignature.IsAuthentic(anchor, s_keys));
        Assert.Equal(s_now, anchor.SignedAt); // to the microsecond, as stated
        Assert.False(AuditSignature.IsAuthentic(Copy(anchor, sequence: 41), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Copy(anchor, hash: new string('b', 64)), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Copy(anchor, tenantId: Guid.NewGuid()), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Copy(anchor, signedAt: anchor.SignedAt.AddSeconds(1)), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Copy(anchor, signature: "not base64!"), s_keys));

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(AuditSignature.IsAuthentic(anchor, new Dictionary<string, ECDsa> { [anchor.KeyId] = other }));
        Assert.False(AuditSignature.IsAuthentic(anchor, new Dictionary<string, ECDsa>()));
    }

    [Fact]
    public void The_anchor_statement_is_the_documented_text()
    {
        var statement = AuditSignature.AnchorStatement(s_tenantId, 42, "ab", s_now, "0123456789abcdef");

        Assert.Equal("tenantra-audit-anchor-v1\n0196b0a4-bbbb-7000-8000-00000000000b\n42\nab\n2026-11-22T18:00:00.123000Z\n0123456789abcdef", statement);
    }

    [Fact]
    public void Public_keys_are_read_from_pem_by_their_id_and_anything_else_is_refused()
    {
        var pem = s_key.ExportSubjectPublicKeyInfoPem();

        var keys = AuditSignature.PublicKeys("some text before\n" + pem + "\n");

        Assert.Equal([AuditSignature.KeyIdOf(s_key)], keys.Keys);
        Assert.Throws<ArgumentException>(() => AuditSignature.PublicKeys("no key here"));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => AuditSignature.PublicKeys(p384.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void An_intact_anchored_chain_is_valid_and_says_how_far_it_is_vouched_for()
    {
        var chain = Chain(20);
        List<AuditAnchor> anchors = [Anchor(chain, 8), Anchor(chain, 15)];

        var result = AuditChainVerifier.Verify(chain, HeadOf(chain), anchors, s_keys);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(2, result.AnchorsChecked);
        Assert.Equal(15, result.AnchoredThrough);
    }

    [Fact]
    public void A_chain_truncated_before_an_anchor_with_its_head_rewritten_is_caught_by_the_anchor()
    {
        var chain = Chain(20);
        var anchors = new List<AuditAnchor> { Anchor(chain, 15) };
        chain.RemoveRange(12, 8);

        var result = AuditChainVerifier.Verify(chain, HeadOf(chain), anchors, s_keys);

        Assert.False(result.IsValid);
        Assert.StartsWith("the chain ends at record 12, but an anchor signed ", result.Problem, StringComparison.Ordinal);
        Assert.EndsWith("vouches for record 15: records were removed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_rewritten_consistently_with_a_new_head_is_caught_at_the_first_anchor()
    {
        var chain = Chain(20);
        var anchors = new List<AuditAnchor> { Anchor(chain, 8) };
        var rewritten = Relink(chain, 3, r => CopyRecord(r, "tenant.nothing-to-see"));

        var result = AuditChainVerifier.Verify(rewritten, HeadOf(rewritten), anchors, s_keys);

        Assert.False(result.IsValid);
        Assert.Equal(8, result.FirstBadSequence);
        Assert.StartsWith("record 8: hash differs from the one anchored ", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_or_foreign_anchor_fails_verification()
    {
        var chain = Chain(6);
        var forged = Copy(Anchor(chain, 4), hash: new string('c', 64));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = AuditSignature.SignAnchor(other, s_tenantId, 4, chain[3].Hash, s_now);

        var withForged = AuditChainVerifier.Verify(chain, HeadOf(chain), [forged], s_keys);
        var withForeign = AuditChainVerifier.Verify(chain, HeadOf(chain), [foreign], s_keys);

        Assert.Equal($"anchor at record 4: its signature does not verify with key {forged.KeyId}", withForged.Problem);
        Assert.Equal($"anchor at record 4: its signature does not verify with key {foreign.KeyId}", withForeign.Problem);
    }

    [Fact]
    public async Task Verifying_from_a_trusted_anchor_reads_only_the_records_after_it()
    {
        var chain = Chain(10);
        var anchor = Anchor(chain, 6);

        var intact = await AuditChainVerifier.VerifyAsync(chain.Skip(6).ToAsyncEnumerable(), HeadOf(chain), [], s_keys, anchor);
        var broken = await AuditChainVerifier.VerifyAsync(chain.Skip(7).ToAsyncEnumerable(), HeadOf(chain), [], s_keys, anchor);

        Assert.True(intact.IsValid, intact.Problem);
        Assert.Equal("record 7: sequence 8 follows 6 (gap)", broken.Problem);
    }

    /// <summary>
    /// Ten thousand random tamperings of anchored chains — a changed field, a deleted, inserted or
    /// reordered record, a truncation after an anchor with the head rewritten to match, or the whole
    /// chain rewritten from some record on with consistent links and head — are all detected.
    /// </summary>
    [Fact]
    public void Any_tampering_of_an_anchored_chain_is_detected_even_with_a_consistent_head()
    {
        var trials = new Random(TamperSeed);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var trialSeed = trials.Next();
            var faker = new AuditRecordFaker(new Random(trialSeed));
            var random = faker.Random;
            var chain = faker.NextChain(s_tenantId, random.Next(4, 41));
            var anchors = new List<AuditAnchor>();
            for (var at = random.Next(1, 6); at <= chain.Count; at += random.Next(3, 12))
            {
                anchors.Add(Anchor(chain, at));
            }

            var lastAnchored = anchors.Count == 0 ? 0 : (int)anchors[^1].Sequence;
            var (tampered, head, what) = random.Next(6) switch
            {
                0 => ChangeField(chain, faker),
                1 => Delete(chain, random),
                2 => Insert(chain, faker),
                3 => Swap(chain, random),
                4 when lastAnchored > 0 => Truncate(chain, random.Next(0, lastAnchored)),
                _ when lastAnchored > 0 => Rewrite(chain, random.Next(1, lastAnchored + 1)),
                _ => ChangeField(chain, faker),
            };

            var result = AuditChainVerifier.Verify(tampered, head, anchors, s_keys);

            Assert.False(result.IsValid, $"seed {TamperSeed}, trial {trial} (trial seed {trialSeed}): {what} went undetected");
        }
    }

    private static (List<AuditRecord>, AuditChainHead, string) ChangeField(List<AuditRecord> chain, AuditRecordFaker faker)
    {
        var index = faker.Random.Next(chain.Count);
        var (property, nullable) = AuditRecordFaker.Properties[faker.Random.Next(AuditRecordFaker.Properties.Count)];
        var head = HeadOf(chain);
        property.SetValue(chain[index], faker.NextDifferentValue(property, nullable, property.GetValue(chain[index])));
        return (chain, head, $"changing {property.Name} of record {index + 1}");
    }

    private static (List<AuditRecord>, AuditChainHead, string) Delete(List<AuditRecord> chain, Random random)
    {
        var index = random.Next(chain.Count);
        var head = HeadOf(chain);
        chain.RemoveAt(index);
        return (chain, head, $"deleting record {index + 1}");
    }

    private static (List<AuditRecord>, AuditChainHead, string) Insert(List<AuditRecord> chain, AuditRecordFaker faker)
    {
        var position = faker.Random.Next(chain.Count + 1);
        var forged = faker.NextRecord(s_tenantId);
        AuditChain.Link(forged, position, position == 0 ? AuditChain.GenesisHash : chain[position - 1].Hash);
        var head = HeadOf(chain);
        chain.Insert(position, forged);
        return (chain, head, $"inserting a linked record at {position + 1}");
    }

    private static (List<AuditRecord>, AuditChainHead, string) Swap(List<AuditRecord> chain, Random random)
    {
        var first = random.Next(chain.Count);
        var second = (first + random.Next(1, chain.Count)) % chain.Count;
        var head = HeadOf(chain);
        (chain[first], chain[second]) = (chain[second], chain[first]);
        return (chain, head, $"swapping records {first + 1} and {second + 1}");
    }

    /// <summary>Keeps the first <paramref name="kept"/> records and rewrites the head to match: only an anchor beyond them can tell.</summary>
    private static (List<AuditRecord>, AuditChainHead, string) Truncate(List<AuditRecord> chain, int kept)
    {
        var truncated = chain.Take(kept).ToList();
        var head = kept == 0 ? new AuditChainHead { TenantId = s_tenantId } : HeadOf(truncated);
        return (truncated, head, $"truncating to {kept} records with a matching head");
    }

    /// <summary>Changes record <paramref name="from"/> and relinks everything after it, with a matching head.</summary>
    private static (List<AuditRecord>, AuditChainHead, string) Rewrite(List<AuditRecord> chain, int from)
    {
        var rewritten = Relink(chain, from, r => CopyRecord(r, r.Action + " (rewritten)"));
        return (rewritten, HeadOf(rewritten), $"rewriting from record {from} with consistent links and head");
    }

    private static List<AuditRecord> Relink(List<AuditRecord> chain, int from, Func<AuditRecord, AuditRecord> change)
    {
        var result = chain.Take(from - 1).ToList();
        foreach (var record in chain.Skip(from - 1))
        {
            var copy = result.Count == from - 1 ? change(record) : CopyRecord(record, record.Action);
            AuditChain.Link(copy, result.Count, result.Count == 0 ? AuditChain.GenesisHash : result[^1].Hash);
            result.Add(copy);
        }

        return result;
    }

    private static List<AuditRecord> Chain(int length) => new AuditRecordFaker(new Random(length)).NextChain(s_tenantId, length);

    private static AuditAnchor Anchor(List<AuditRecord> chain, int sequence) =>
        AuditSignature.SignAnchor(s_key, s_tenantId, sequence, chain[sequence - 1].Hash, s_now.AddMinutes(sequence));

    private static AuditChainHead HeadOf(List<AuditRecord> chain) =>
        new() { TenantId = s_tenantId, LastSequence = chain[^1].Sequence, LastHash = chain[^1].Hash };

    private static AuditRecord CopyRecord(AuditRecord r, string action) => new()
    {
        TenantId = r.TenantId,
        Id = r.Id,
        OccurredAt = r.OccurredAt,
        ActorUserId = r.ActorUserId,
        ActorTokenId = r.ActorTokenId,
        ActorName = r.ActorName,
        OnBehalfOfTenantId = r.OnBehalfOfTenantId,
        Action = action,
        TargetType = r.TargetType,
        TargetId = r.TargetId,
        Before = r.Before,
        After = r.After,
        SourceIp = r.SourceIp,
        UserAgent = r.UserAgent,
        RequestId = r.RequestId,
        Outcome = r.Outcome,
    };

    private static AuditAnchor Copy(AuditAnchor a, long? sequence = null, string? hash = null, Guid? tenantId = null, DateTimeOffset? signedAt = null, string? signature = null) => new()
    {
        TenantId = tenantId ?? a.TenantId,
        Sequence = sequence ?? a.Sequence,
        Hash = hash ?? a.Hash,
        SignedAt = signedAt ?? a.SignedAt,
        KeyId = a.KeyId,
        Signature = signature ?? a.Signature,
    };
}
