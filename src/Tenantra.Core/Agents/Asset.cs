namespace Tenantra.Core.Agents;

/// <summary>
/// A machine with an agent. Its id is the agent id the agent signs with; its public key is the only
/// credential (the private key never leaves the machine). The same machine enrolling again (same
/// machine id, e.g. after a reinstall) is the same asset with a new key, so history and baselines stay.
/// </summary>
public sealed class Asset : ITenantScoped, ISecretLookup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }

    /// <summary>The agent id as text: how a signed request finds its asset before the tenant is known.</summary>
    public string AgentLookup { get; init; } = "";

    string ISecretLookup.LookupHash => AgentLookup;
    public required string MachineId { get; init; }
    public required string Hostname { get; set; }
    public string Os { get; set; } = "";
    public string OsVersion { get; set; } = "";
    public string AgentVersion { get; set; } = "";

    /// <summary>ECDSA P-256 SubjectPublicKeyInfo, base64.</summary>
    public required string PublicKey { get; set; }
    public DateTimeOffset KeySetAt { get; set; }
    public Guid? GroupId { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<string> Addresses { get; set; } = [];
    public long UptimeSeconds { get; set; }

    /// <summary>Snapshots the agent had to drop because its offline buffer was full, as last reported.</summary>
    public long DroppedSnapshots { get; set; }
    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public static string LookupFor(Guid agentId) => agentId.ToString("N");

    /// <summary>Online when it checked in within three default heartbeat intervals.</summary>
    public bool IsOnlineAt(DateTimeOffset now) => RevokedAt is null && now - LastSeenAt <= OnlineWindow;

    public static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(3);
}
