using System.Reflection;
using Tenantra.Core.Audit;

namespace Tenantra.Core.Tests.Audit;

/// <summary>
/// Reproducible random audit records and chains, and a different value for any record property.
/// A property of a type it cannot fake fails loudly, so new fields cannot slip past the tests.
/// </summary>
internal sealed class AuditRecordFaker(Random random)
{
    private const string HexDigits = "0123456789abcdef";
    private static readonly long s_earliest = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private static readonly long s_latest = new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public static IReadOnlyList<(PropertyInfo Property, bool Nullable)> Properties { get; } = DescribeProperties();

    public Random Random => random;

    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    public AuditRecord NextRecord(Guid tenantId) => new()
    {
        TenantId = tenantId,
        Id = NextGuid(),
        OccurredAt = NextTime(),
        ActorUserId = NextNullableGuid(),
        ActorTokenId = NextNullableGuid(),
        ActorName = NextNullableString(),
        OnBehalfOfTenantId = NextNullableGuid(),
        Action = NextString(),
        TargetType = NextNullableString(),
        TargetId = NextNullableString(),
        Before = NextNullableString(),
        After = NextNullableString(),
        SourceIp = NextNullableString(),
        UserAgent = NextNullableString(),
        RequestId = NextNullableString(),
        Outcome = (AuditOutcome)random.Next(3),
    };

    public List<AuditRecord> NextChain(Guid tenantId, int length)
    {
        var chain = new List<AuditRecord>(length);
        for (var i = 0; i < length; i++)
        {
            var record = NextRecord(tenantId);
            AuditChain.Link(record, i, i == 0 ? AuditChain.GenesisHash : chain[i - 1].Hash);
            chain.Add(record);
        }

        return chain;
    }

    public object? NextDifferentValue(PropertyInfo property, bool nullable, object? current)
    {
        while (true)
        {
            var candidate = NextValue(property.PropertyType, nullable, current);
            if (!Equals(candidate, current))
            {
                return candidate;
            }
        }
    }

    private object? NextValue(Type type, bool nullable, object? current)
    {
        if (nullable && random.Next(4) == 0)
        {
            return null;
        }

        return type switch
        {
            _ when type == typeof(string) => random.Next(3) == 0 ? NextHash() : NextString(),
            _ when type == typeof(Guid) || type == typeof(Guid?) => NextGuid(),
            _ when type == typeof(long) => current is long value && random.Next(2) == 0
                ? value + (random.Next(2) == 0 ? 1 : -1)
                : random.NextInt64(-2, 45),
            _ when type == typeof(DateTimeOffset) => current is DateTimeOffset time && random.Next(2) == 0
                ? time.AddTicks(TimeSpan.TicksPerMicrosecond * random.Next(-1000, 1000))
                : NextTime(),
            _ when type == typeof(AuditOutcome) => (AuditOutcome)random.Next(5),
            _ => throw new NotSupportedException($"No random values for {type}; teach {nameof(AuditRecordFaker)} this type."),
        };
    }

    private DateTimeOffset NextTime()
    {
        var microseconds = random.NextInt64(s_earliest, s_latest) / TimeSpan.TicksPerMicrosecond;
        var utc = new DateTimeOffset(microseconds * TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
        return utc.ToOffset(TimeSpan.FromMinutes(15 * random.Next(-48, 49)));
    }

    private Guid? NextNullableGuid() => random.Next(3) == 0 ? null : NextGuid();

    private string? NextNullableString() => random.Next(4) == 0 ? null : NextString();

    private string NextString()
    {
        var chars = new char[random.Next(0, 16)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(8) == 0 ? (char)random.Next(char.MaxValue + 1) : (char)random.Next('a', 'e');
        }

        return new string(chars);
    }

    private string NextHash()
    {
        var chars = new char[64];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = HexDigits[random.Next(HexDigits.Length)];
        }

        return new string(chars);
    }

    private static List<(PropertyInfo, bool)> DescribeProperties()
    {
        var nullability = new NullabilityInfoContext();
        return typeof(AuditRecord)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, nullability.Create(p).WriteState == NullabilityState.Nullable))
            .ToList();
    }
}
