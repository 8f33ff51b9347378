namespace Tenantra.Agent.Runtime;

/// <summary>What <c>status</c> shows: the last contact with the server and when each category was collected.</summary>
public sealed class AgentState
{
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public Dictionary<string, DateTimeOffset> LastCollectedAt { get; set; } = [];
    public Dictionary<string, int> IntervalSeconds { get; set; } = [];
}
