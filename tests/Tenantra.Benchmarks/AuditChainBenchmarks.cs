using BenchmarkDotNet.Attributes;
using Tenantra.Core.Audit;

namespace Tenantra.Benchmarks;

/// <summary>How fast a chain is hashed and verified: bounds the cost of <c>audit verify</c> on large tenants.</summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    private readonly List<AuditRecord> _chain = [];
    private AuditChainHead _head = null!;

    [GlobalSetup]
    public void Setup()
    {
        var tenantId = Guid.CreateVersion7();
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < 10_000; i++)
        {
            var record = new AuditRecord
            {
                TenantId = tenantId,
                OccurredAt = DateTimeOffset.UnixEpoch.AddMinutes(i),
                ActorName = "bench@example.com",
                Action = "tenant.updated",
                TargetType = "tenant",
                TargetId = tenantId.ToString(),
                Before = "{\"name\":\"Old\"}",
                After = "{\"name\":\"New\"}",
                SourceIp = "10.0.0.1",
                UserAgent = "bench/1.0",
                RequestId = "r" + i,
            };
            AuditChain.Link(record, i, previous);
            previous = record.Hash;
            _chain.Add(record);
        }

        _head = new AuditChainHead { TenantId = tenantId, LastSequence = _chain.Count, LastHash = previous };
    }

    [Benchmark]
    public string HashOneRecord() => AuditChain.ComputeHash(_chain[0]);

    [Benchmark]
    public bool VerifyTenThousandRecords() => AuditChainVerifier.Verify(_chain, _head).IsValid;
}
