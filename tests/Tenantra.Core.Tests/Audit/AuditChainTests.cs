using Tenantra.Core.Audit;

namespace Tenantra.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly Guid s_tenantId = Guid.Parse("0196b0a4-1111-7000-8000-000000000001");

    [Fact]
    public void GenesisHash_Is64Zeros() => Assert.Equal(new string('0', 64), AuditChain.GenesisHash);

    [Fact]
    public void ComputeHash_SameRecord_GivesSameLowercaseHex()
    {
        var record = SampleRecord();

        var first = AuditChain.ComputeHash(record);
        var second = AuditChain.ComputeHash(record);

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public void ComputeHash_EqualRecordsBuiltSeparately_GiveSameHash() =>
        Assert.Equal(AuditChain.ComputeHash(SampleRecord()), AuditChain.ComputeHash(SampleRecord()));

    // Changing the canonical form breaks every stored chain; this value must only change with a new format version.
    [Fact]
    public void ComputeHash_SampleRecord_MatchesPinnedValue() =>
        Assert.Equal("518529aa79a901f8a6ae550b04a2219686616d117e337cb5918748e1686abb3e", AuditChain.ComputeHash(SampleRecord()));

    [Fact]
    public void ComputeHash_AnyFieldButHashChanged_ChangesHash()
    {
        var random = new Random(1574);
        var faker = new AuditRecordFaker(random);
        foreach (var (property, nullable) in AuditRecordFaker.Properties.Where(p => p.Property.Name != nameof(AuditRecord.Hash)))
        {
            for (var trial = 0; trial < 50; trial++)
            {
                var record = faker.NextRecord(s_tenantId);
                AuditChain.Link(record, random.Next(100), AuditChain.GenesisHash);
                var before = AuditChain.ComputeHash(record);
                var oldValue = property.GetValue(record);
                var newValue = faker.NextDifferentValue(property, nullable, oldValue);

                property.SetValue(record, newValue);

                Assert.True(
                    before != AuditChain.ComputeHash(record),
                    $"changing {property.Name} from '{oldValue}' to '{newValue}' kept the hash");
            }
        }
    }

    [Fact]
    public void ComputeHash_HashFieldChanged_KeepsHash()
    {
        var record = SampleRecord();
        var before = AuditChain.ComputeHash(record);

        record.Hash = new string('f', 64);

        Assert.Equal(before, AuditChain.ComputeHash(record));
    }

    [Fact]
    public void ComputeHash_NullAndEmptyString_Differ()
    {
        var nullableStrings = AuditRecordFaker.Properties
            .Where(p => p.Nullable && p.Property.PropertyType == typeof(string))
            .Select(p => p.Property)
            .ToList();
        Assert.NotEmpty(nullableStrings);

        foreach (var property in nullableStrings)
        {
            var withNull = SampleRecord();
            var withEmpty = SampleRecord();
            property.SetValue(withNull, null);
            property.SetValue(withEmpty, "");

            Assert.True(
                AuditChain.ComputeHash(withNull) != AuditChain.ComputeHash(withEmpty),
                $"{property.Name}: null and empty give the same hash");
        }
    }

    [Fact]
    public void ComputeHash_CharactersMovedBetweenFields_ChangesHash()
    {
        var left = SampleRecord(targetType: "device", targetId: "42");
        var right = SampleRecord(targetType: "device4", targetId: "2");

        Assert.NotEqual(AuditChain.ComputeHash(left), AuditChain.ComputeHash(right));
    }

    [Fact]
    public void ComputeHash_TimeDiffersOnlyBelowMicrosecondsOrInOffset_KeepsHash()
    {
        var instant = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234560);

        var original = AuditChain.ComputeHash(SampleRecord(occurredAt: instant));
        var subMicrosecond = AuditChain.ComputeHash(SampleRecord(occurredAt: instant.AddTicks(9)));
        var otherOffset = AuditChain.ComputeHash(SampleRecord(occurredAt: instant.ToOffset(TimeSpan.FromHours(-7))));
        var nextMicrosecond = AuditChain.ComputeHash(SampleRecord(occurredAt: instant.AddTicks(10)));

        Assert.Equal(original, subMicrosecond);
        Assert.Equal(original, otherOffset);
        Assert.NotEqual(original, nextMicrosecond);
    }

    [Fact]
    public void Link_SetsNextSequencePreviousHashAndOwnHash()
    {
        var previousHash = new string('a', 64);
        var record = SampleRecord();

        AuditChain.Link(record, 41, previousHash);

        Assert.Equal(42, record.Sequence);
        Assert.Equal(previousHash, record.PreviousHash);
        Assert.Equal(AuditChain.ComputeHash(record), record.Hash);
    }

    private static AuditRecord SampleRecord(
        string? targetType = "device",
        string? targetId = "42",
        DateTimeOffset? occurredAt = null) => new()
        {
            TenantId = s_tenantId,
            Sequence = 7,
            Id = Guid.Parse("0196b0a4-2222-7000-8000-000000000002"),
            OccurredAt = occurredAt ?? new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1234567),
            ActorUserId = Guid.Parse("0196b0a4-3333-7000-8000-000000000003"),
            ActorTokenId = null,
            ActorName = "Ada Lovelace",
            OnBehalfOfTenantId = Guid.Parse("0196b0a4-4444-7000-8000-000000000004"),
            Action = "device.rename",
            TargetType = targetType,
            TargetId = targetId,
            Before = """{"name":"old"}""",
            After = """{"name":"new"}""",
            SourceIp = "192.0.2.10",
            UserAgent = "Mozilla/5.0",
            RequestId = "0HNABC:00000001",
            Outcome = AuditOutcome.Success,
            PreviousHash = new string('1', 64),
        };
}
