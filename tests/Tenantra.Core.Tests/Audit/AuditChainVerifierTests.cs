using Tenantra.Core.Audit;

namespace Tenantra.Core.Tests.Audit;

public sealed class AuditChainVerifierTests
{
    private const int TamperSeed = 62384648;
    private static readonly Guid s_tenantId = Guid.Parse("0196b0a4-aaaa-7000-8000-00000000000a");

    [Fact]
    public void Verify_UntouchedChain_IsValid()
    {
        var chain = NewChain(12);

        var result = AuditChainVerifier.Verify(chain, HeadOf(chain));

        Assert.Equal(AuditChainVerification.Valid(12), result);
    }

    [Fact]
    public void Verify_EmptyChainWithoutHead_IsValid() =>
        Assert.True(AuditChainVerifier.Verify([], null).IsValid);

    [Fact]
    public void Verify_EmptyChainWithHeadAtZero_IsValid() =>
        Assert.True(AuditChainVerifier.Verify([], new AuditChainHead { TenantId = s_tenantId }).IsValid);

    [Fact]
    public void Verify_EmptyChainWithHeadAhead_ReportsMissingRecords()
    {
        var result = AuditChainVerifier.Verify([], new AuditChainHead { TenantId = s_tenantId, LastSequence = 3, LastHash = new string('a', 64) });

        AssertInvalid(result, 1, "chain is empty but head says 3");
    }

    [Fact]
    public void Verify_RecordsWithoutHead_IsInvalid()
    {
        var result = AuditChainVerifier.Verify(NewChain(3), null);

        Assert.False(result.IsValid);
        Assert.Null(result.FirstBadSequence);
        Assert.Equal("chain has records but no head", result.Problem);
    }

    [Fact]
    public void Verify_RecordWithChangedContent_ReportsHashMismatchThere()
    {
        var chain = NewChain(5);
        var head = HeadOf(chain);
        chain[2] = CopyWith(chain[2], action: "tenant.delete");

        AssertInvalid(AuditChainVerifier.Verify(chain, head), 3, "record 3: hash does not match its contents");
    }

    [Fact]
    public void Verify_ChangedRecordWithRecomputedHash_ReportsBrokenLinkAfterIt()
    {
        var chain = NewChain(5);
        var head = HeadOf(chain);
        chain[1] = CopyWith(chain[1], action: "tenant.delete");
        chain[1].Hash = AuditChain.ComputeHash(chain[1]);

        AssertInvalid(AuditChainVerifier.Verify(chain, head), 3, "record 3: previous hash does not match record 2");
    }

    [Fact]
    public void Verify_MiddleRecordDeleted_ReportsGap()
    {
        var chain = NewChain(5);
        var head = HeadOf(chain);
        chain.RemoveAt(2);

        AssertInvalid(AuditChainVerifier.Verify(chain, head), 3, "record 3: sequence 4 follows 2 (gap)");
    }

    [Fact]
    public void Verify_LastRecordDeleted_ReportsChainShorterThanHead()
    {
        var chain = NewChain(5);
        var head = HeadOf(chain);
        chain.RemoveAt(4);

        AssertInvalid(AuditChainVerifier.Verify(chain, head), 5, "chain ends at 4 but head says 5");
    }

    [Fact]
    public void Verify_RecordOfAnotherTenant_IsInvalid()
    {
        var chain = NewChain(3);
        var head = HeadOf(chain);
        chain[1] = CopyWith(chain[1], tenantId: Guid.Parse("0196b0a4-bbbb-7000-8000-00000000000b"));
        chain[1].Hash = AuditChain.ComputeHash(chain[1]);

        var result = AuditChainVerifier.Verify(chain, head);

        Assert.False(result.IsValid);
        Assert.Equal(2, result.FirstBadSequence);
        Assert.Contains("is not the chain's tenant", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HeadOfAnotherTenant_IsInvalid()
    {
        var chain = NewChain(3);
        var head = HeadOf(chain);
        var foreignHead = new AuditChainHead { TenantId = Guid.NewGuid(), LastSequence = head.LastSequence, LastHash = head.LastHash };

        AssertInvalidAt(AuditChainVerifier.Verify(chain, foreignHead), 1);
    }

    [Fact]
    public void Verify_HeadWithOtherHash_IsInvalid()
    {
        var chain = NewChain(3);
        var head = HeadOf(chain);
        head.LastHash = AuditChain.GenesisHash;

        AssertInvalid(AuditChainVerifier.Verify(chain, head), 3, "record 3: hash does not match the head");
    }

    [Fact]
    public void Verify_FirstRecordNotAtSequenceOne_IsInvalid()
    {
        var chain = NewChain(3);
        var head = HeadOf(chain);
        chain.RemoveAt(0);

        AssertInvalidAt(AuditChainVerifier.Verify(chain, head), 1);
    }

    [Fact]
    public async Task VerifyAsync_UntouchedChain_IsValid()
    {
        var chain = NewChain(7);

        var result = await AuditChainVerifier.VerifyAsync(chain.ToAsyncEnumerable(), HeadOf(chain));

        Assert.Equal(AuditChainVerification.Valid(7), result);
    }

    [Fact]
    public async Task VerifyAsync_TamperedChain_StopsAtFirstBadRecord()
    {
        var chain = NewChain(7);
        var head = HeadOf(chain);
        chain[3].Hash = AuditChain.GenesisHash;

        var result = await AuditChainVerifier.VerifyAsync(chain.ToAsyncEnumerable(), head);

        AssertInvalid(result, 4, "record 4: hash does not match its contents");
        Assert.Equal(4, result.RecordsChecked);
    }

    [Fact]
    public void Verify_AnySingleTamper_IsDetected()
    {
        var trials = new Random(TamperSeed);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var trialSeed = trials.Next();
            var faker = new AuditRecordFaker(new Random(trialSeed));
            var chain = faker.NextChain(s_tenantId, faker.Random.Next(2, 41));
            var head = HeadOf(chain);

            var tamper = ApplyRandomTamper(chain, faker);
            var result = AuditChainVerifier.Verify(chain, head);

            Assert.False(result.IsValid, $"seed {TamperSeed}, trial {trial} (trial seed {trialSeed}): {tamper} went undetected");
        }
    }

    private static string ApplyRandomTamper(List<AuditRecord> chain, AuditRecordFaker faker)
    {
        var random = faker.Random;
        var count = chain.Count;
        switch (random.Next(4))
        {
            case 0:
                var index = random.Next(count);
                var (property, nullable) = AuditRecordFaker.Properties[random.Next(AuditRecordFaker.Properties.Count)];
                var oldValue = property.GetValue(chain[index]);
                var newValue = faker.NextDifferentValue(property, nullable, oldValue);
                property.SetValue(chain[index], newValue);
                return $"changing {property.Name} of record {index + 1} of {count} from '{oldValue}' to '{newValue}'";
            case 1:
                var deleted = random.Next(count);
                chain.RemoveAt(deleted);
                return $"deleting record {deleted + 1} of {count}";
            case 2:
                // A linked forgery continues the chain correctly at its position; an unlinked one does not.
                var position = random.Next(count + 1);
                var forged = faker.NextRecord(s_tenantId);
                var linked = random.Next(2) == 0;
                if (linked)
                {
                    AuditChain.Link(forged, position, position == 0 ? AuditChain.GenesisHash : chain[position - 1].Hash);
                }
                else
                {
                    AuditChain.Link(forged, random.NextInt64(0, count + 2), chain[random.Next(count)].Hash);
                }

                chain.Insert(position, forged);
                return $"inserting a {(linked ? "linked" : "unlinked")} forged record at position {position + 1} of {count + 1}";
            default:
                var first = random.Next(count);
                var second = (first + random.Next(1, count)) % count;
                (chain[first], chain[second]) = (chain[second], chain[first]);
                return $"swapping records {first + 1} and {second + 1} of {count}";
        }
    }

    private static List<AuditRecord> NewChain(int length) => new AuditRecordFaker(new Random(length)).NextChain(s_tenantId, length);

    private static AuditChainHead HeadOf(List<AuditRecord> chain) =>
        new() { TenantId = s_tenantId, LastSequence = chain[^1].Sequence, LastHash = chain[^1].Hash };

    private static AuditRecord CopyWith(AuditRecord source, string? action = null, Guid? tenantId = null) => new()
    {
        TenantId = tenantId ?? source.TenantId,
        Sequence = source.Sequence,
        Id = source.Id,
        OccurredAt = source.OccurredAt,
        ActorUserId = source.ActorUserId,
        ActorTokenId = source.ActorTokenId,
        ActorName = source.ActorName,
        OnBehalfOfTenantId = source.OnBehalfOfTenantId,
        Action = action ?? source.Action,
        TargetType = source.TargetType,
        TargetId = source.TargetId,
        Before = source.Before,
        After = source.After,
        SourceIp = source.SourceIp,
        UserAgent = source.UserAgent,
        RequestId = source.RequestId,
        Outcome = source.Outcome,
        PreviousHash = source.PreviousHash,
        Hash = source.Hash,
    };

    private static void AssertInvalid(AuditChainVerification result, long firstBadSequence, string problem)
    {
        AssertInvalidAt(result, firstBadSequence);
        Assert.Equal(problem, result.Problem);
    }

    private static void AssertInvalidAt(AuditChainVerification result, long firstBadSequence)
    {
        Assert.False(result.IsValid);
        Assert.Equal(firstBadSequence, result.FirstBadSequence);
    }
}
