using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tenantra.Agent.Contracts;
using Tenantra.Server.Agents;
using Tenantra.Server.Platform;

namespace Tenantra.Benchmarks;

/// <summary>
/// The CPU steps the server takes for one 1,000-entry snapshot upload (<see cref="SnapshotIngestion"/>
/// and <see cref="AgentSignatureMiddleware"/>), each alone, so the ingest-load figure can be split into
/// its parts. Database round trips are not here: ingest-load measures them with everything else.
/// </summary>
[MemoryDiagnoser]
public class SnapshotIngestionBenchmarks
{
    private byte[] _body = [];
    private byte[] _json = [];
    private Snapshot _snapshot = null!;
    private ECDsa _agentKey = null!;
    private string _publicKey = "";
    private string _signature = "";
    private readonly byte[] _payloadKey = RandomNumberGenerator.GetBytes(32);
    private const long SignedAt = 1_800_000_000;
    private const string Nonce = "bench-nonce-0123456789";

    [GlobalSetup]
    public void Setup()
    {
        var machine = new SyntheticMachine(seed: 1, entries: 1000);
        _body = machine.NextUpload(SnapshotCategories.Processes, DateTimeOffset.UtcNow.AddMinutes(-1)).Body;
        var length = SnapshotIngestion.Decompress(_body, out var json);
        _json = json.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(json);
        _snapshot = Deserialize();
        _agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _publicKey = Convert.ToBase64String(_agentKey.ExportSubjectPublicKeyInfo());
        _signature = AgentRequestSignature.Sign(_agentKey, "POST", "/api/v1/agent/snapshots", SignedAt, Nonce, _body);
    }

    [GlobalCleanup]
    public void Cleanup() => _agentKey.Dispose();

    [Benchmark]
    public bool VerifySignature()
    {
        using var key = AgentRequestSignature.ImportPublicKey(_publicKey)!;
        return AgentRequestSignature.Verify(key, "POST", "/api/v1/agent/snapshots", SignedAt, Nonce, _body, _signature);
    }

    [Benchmark]
    public int Decompress()
    {
        var length = SnapshotIngestion.Decompress(_body, out var json);
        ArrayPool<byte>.Shared.Return(json);
        return length;
    }

    [Benchmark]
    public Snapshot Deserialize() => JsonSerializer.Deserialize(_json, AgentJsonContext.Default.Snapshot)!;

    [Benchmark]
    public bool Validate()
    {
        var errors = new ValidationErrors();
        SnapshotValidation.Validate(_snapshot, DateTimeOffset.UtcNow, errors);
        return errors.IsEmpty;
    }

    [Benchmark]
    public string ContentHash() => SnapshotContent.Hash(_snapshot.Entries);

    [Benchmark]
    public string SerializeEntries() => JsonSerializer.Serialize(_snapshot.Entries, AgentJsonContext.Default.IReadOnlyListSnapshotEntry);

    [Benchmark]
    public byte[] Encrypt()
    {
        var output = new byte[12 + _body.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(_payloadKey, 16);
        aes.Encrypt(output.AsSpan(0, 12), _body, output.AsSpan(12, _body.Length), output.AsSpan(12 + _body.Length), "tenantra-snapshot-v1"u8);
        return output;
    }
}
