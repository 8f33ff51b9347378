using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenantra.Agent.Contracts;

/// <summary>Source-generated JSON for the wire types (the trimmed agent has no reflection-based serialization).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict, MaxDepth = 16)]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(IReadOnlyList<SnapshotEntry>))]
[JsonSerializable(typeof(EnrollRequest))]
[JsonSerializable(typeof(EnrollResponse))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(RotateKeyRequest))]
[JsonSerializable(typeof(SnapshotAccepted))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
