using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// The agent's settings, written by <c>enroll</c> to a JSON file (by default
/// <c>/etc/tenantra-agent/agent.json</c>, or <c>%ProgramData%\Tenantra\agent.json</c> on Windows).
/// The private key lives beside the data, never in this file.
/// </summary>
public sealed class AgentConfig
{
    public required string ServerUrl { get; set; }
    public Guid AgentId { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>Optional SHA-256 (hex) of the server certificate's public key; when set, only that key is trusted.</summary>
    public string? PinnedPublicKeySha256 { get; set; }

    /// <summary>Key, offline queue and state (by default <c>/var/lib/tenantra-agent</c>).</summary>
    public required string DataDirectory { get; set; }

    /// <summary>The offline queue's bound; past it the oldest snapshots are dropped and counted.</summary>
    public long QueueLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The filesystem root collectors read ("/" except in tests).</summary>
    public string CollectionRoot { get; set; } = "/";

    public static string DefaultPath => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Tenantra", "agent.json")
        : "/etc/tenantra-agent/agent.json";

    public static string DefaultDataDirectory => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Tenantra", "data")
        : "/var/lib/tenantra-agent";

    public static AgentConfig Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), AgentConfigJson.Default.AgentConfig)
        ?? throw new InvalidDataException($"{path} is empty.");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, AgentConfigJson.Default.AgentConfig));
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AgentConfig))]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class AgentConfigJson : JsonSerializerContext;
