using System.Security.Cryptography;
using Tenantra.Core.Audit;

namespace Tenantra.Core.Tests.Audit;

/// <summary>Archive segments: their signed statement, and how a sealed segment stands for its records in the chain walk.</summary>
public sealed class AuditSealedSegmentTests
{
    private static readonly Guid s_tenantId = Guid.Parse("0196b0a4-cccc-7000-8000-00000000000c");
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly Dictionary<string, ECDsa> s_keys = new() { [AuditSignature.KeyIdOf(s_key)] = s_key };
    private static readonly List<AuditRecord> s_chain = new AuditRecordFaker(new Random(30)).NextChain(s_tenantId, 30);

    private static AuditArchiveSegment Segment(int first, int last, byte[]? content = null, string? previousHash = null, string? lastHash = null)
    {
        var segment = new AuditArchiveSegment
        {
            TenantId = s_tenantId,
            FirstSequence = first,
            LastSequence = last,
            Content = content ?? [1, 2, 3],
            PreviousHash = previousHash ?? s_chain[first - 1].PreviousHash,
            LastHash = lastHash ?? s_chain[last - 1].Hash,
            ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(content ?? [1, 2, 3])),
            SignedAt = s_now,
            KeyId = AuditSignature.KeyIdOf(s_key),
        };
        segment.Signature = AuditSignature.Sign(s_key, AuditSignature.SegmentStatement(segment));
        return segment;
    }

    private static AuditAnchor Anchor(int sequence) => AuditSignature.SignAnchor(s_key, s_tenantId, sequence, s_chain[sequence - 1].Hash, s_now.AddMinutes(sequence));

    private static AuditChainHead Head => new() { TenantId = s_tenantId, LastSequence = 30, LastHash = s_chain[^1].Hash };

    private static Task<AuditChainVerification> VerifyAsync(IEnumerable<AuditChainPiece> pieces, params AuditAnchor[] anchors) =>
        AuditChainVerifier.VerifyAsync(pieces.ToAsyncEnumerable(), Head, anchors, s_keys);

    private static IEnumerable<AuditChainPiece> Records(int from, int through) =>
        s_chain.Where(r => r.Sequence >= from && r.Sequence <= through).Select(r => new AuditChainPiece(r, null));

    private static AuditChainPiece Sealed(AuditArchiveSegment segment) => new(null, segment);

    [Fact]
    public void The_segment_statement_is_the_documented_text_and_any_stated_field_or_the_content_changed_breaks_it()
    {
        var segment = Segment(1, 10, content: [9, 9]);

        Assert.Equal(
            $"tenantra-audit-segment-v1\n{s_tenantId}\n1 10\n{AuditChain.GenesisHash}\n{s_chain[9].Hash}\n{Convert.ToHexStringLower(SHA256.HashData([9, 9]))}\n2026-11-22T18:00:00.000000Z\n{segment.KeyId}",
            AuditSignature.SegmentStatement(segment));
        Assert.True(AuditSignature.IsAuthentic(segment, s_keys));
        Assert.False(AuditSignature.IsAuthentic(Resigned(segment, content: [9, 8]), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Resigned(segment, last: 11), s_keys));
        Assert.False(AuditSignature.IsAuthentic(Resigned(segment, lastHash: new string('e', 64)), s_keys));
        Assert.False(AuditSignature.IsAuthentic(segment, new Dictionary<string, ECDsa>()));
    }

    [Fact]
    public async Task Sealed_segments_stand_for_their_records_and_anchors_inside_them()
    {
        var result = await VerifyAsync([Sealed(Segment(1, 10)), Sealed(Segment(11, 20)), .. Records(21, 30)], Anchor(5), Anchor(10), Anchor(20), Anchor(25));

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(30, result.RecordsChecked);
        Assert.Equal(4, result.AnchorsChecked);
        Assert.Equal(25, result.AnchoredThrough);
    }

    [Fact]
    public async Task A_sealed_segment_that_does_not_link_into_the_chain_is_a_break_at_its_first_record()
    {
        var gap = await VerifyAsync([Sealed(Segment(1, 10)), Sealed(Segment(12, 20)), .. Records(21, 30)]);
        var relinked = await VerifyAsync([Sealed(Segment(1, 10)), Sealed(Segment(11, 20, previousHash: new string('0', 63) + "1")), .. Records(21, 30)]);
        var notTheHeadsChain = await VerifyAsync([Sealed(Segment(1, 10, lastHash: new string('d', 64))), .. Records(11, 30)]);
        var anchoredOtherwise = await VerifyAsync([Sealed(Segment(1, 10, lastHash: new string('d', 64)))], Anchor(10));

        Assert.Equal((false, 11L, "record 11: sequence 12 follows 10 (gap)"), (gap.IsValid, gap.FirstBadSequence!.Value, gap.Problem));
        Assert.Equal((false, 11L, "record 11: previous hash does not match record 10"), (relinked.IsValid, relinked.FirstBadSequence!.Value, relinked.Problem));
        Assert.Equal((false, 11L, "record 11: previous hash does not match record 10"), (notTheHeadsChain.IsValid, notTheHeadsChain.FirstBadSequence!.Value, notTheHeadsChain.Problem));
        Assert.False(anchoredOtherwise.IsValid);
        Assert.StartsWith("record 1: the archive segment from it ends with a hash other than the one anchored", anchoredOtherwise.Problem);
    }

    private static AuditArchiveSegment Resigned(AuditArchiveSegment s, byte[]? content = null, long? last = null, string? lastHash = null) => new()
    {
        TenantId = s.TenantId,
        FirstSequence = s.FirstSequence,
        LastSequence = last ?? s.LastSequence,
        Content = content ?? s.Content,
        PreviousHash = s.PreviousHash,
        LastHash = lastHash ?? s.LastHash,
        ContentSha256 = s.ContentSha256,
        SignedAt = s.SignedAt,
        KeyId = s.KeyId,
        Signature = s.Signature,
    };
}
