namespace Tenantra.Agent.Contracts;

/// <summary>
/// First contact, unsigned: the enrollment token proves the right to join a tenant; the public key
/// (ECDSA P-256, SubjectPublicKeyInfo, base64) is what every later request is checked against.
/// <see cref="MachineId"/> (<c>/etc/machine-id</c>, Windows MachineGuid) lets a reinstalled agent
/// come back as the same asset.
/// </summary>
public sealed record EnrollRequest(string? Token, string? PublicKey, string? MachineId, string? Hostname, string? Os, string? OsVersion, string? AgentVersion);

public sealed record EnrollResponse(Guid AgentId, Guid TenantId, string AssetName);

/// <summary>Sent on every check-in; the answer carries the collection policy.</summary>
public sealed record HeartbeatRequest(string? AgentVersion, string? Hostname, string? Os, string? OsVersion, long? UptimeSeconds, IReadOnlyList<string>? Addresses, long? DroppedSnapshots);

public sealed record HeartbeatResponse(DateTimeOffset ServerTime, CollectionPolicy Policy);

/// <summary>How often the agent collects each category, in seconds.</summary>
public sealed record CollectionPolicy(IReadOnlyDictionary<string, int> IntervalSeconds);

/// <summary>Signed with the current key; from the answer on, only the new key is accepted.</summary>
public sealed record RotateKeyRequest(string? NewPublicKey);

public sealed record SnapshotAccepted(Guid SnapshotId, bool Duplicate);
