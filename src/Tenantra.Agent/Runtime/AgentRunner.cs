using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// The agent's loop: a heartbeat every minute (its answer sets the collection intervals), each
/// category collected when due into the offline queue, and the queue drained oldest first. A server
/// that cannot be reached only delays uploads: snapshots wait in the queue, bounded.
/// </summary>
public sealed class AgentRunner(AgentConfig config, AgentClient client, Collection collection, OfflineQueue queue, TextWriter log)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromMinutes(5);

    private readonly string _statePath = Path.Combine(config.DataDirectory, "state.json");
    private TimeSpan _retryDelay = TimeSpan.FromSeconds(5);

    public AgentState State { get; } = LoadState(Path.Combine(config.DataDirectory, "state.json"));

    /// <summary>Runs until cancelled; with <paramref name="once"/>, one heartbeat, every category, one drain.</summary>
    public async Task RunAsync(bool once, CancellationToken cancellationToken)
    {
        var nextHeartbeat = DateTimeOffset.MinValue;
        var nextUpload = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var worked = false;
            if (now >= nextHeartbeat)
            {
                await HeartbeatAsync(cancellationToken);
                nextHeartbeat = now + HeartbeatInterval;
                worked = true;
            }

            if (CollectDue(now, force: once))
            {
                nextUpload = now;
                worked = true;
            }

            if (now >= nextUpload)
            {
                // Drained: nothing to upload until the next collection. Otherwise retry with backoff.
                nextUpload = await DrainAsync(cancellationToken) ? DateTimeOffset.MaxValue : now + NextRetryDelay();
                worked = true;
            }

            if (worked)
            {
                SaveState();
                MemoryRelief.AfterWork();
            }

            if (once)
            {
                return;
            }

            var wake = new[] { nextHeartbeat, nextUpload, NextDue() }.Min();
            var delay = wake - DateTimeOffset.UtcNow;
            await Task.Delay(delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay > HeartbeatInterval ? HeartbeatInterval : delay, cancellationToken)
                .ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await client.HeartbeatAsync(new HeartbeatRequest(
                AgentVersion.Current, Environment.MachineName, OperatingSystem.IsWindows() ? "windows" : "linux",
                Environment.OSVersion.VersionString, Environment.TickCount64 / 1000, Addresses(), queue.Dropped), cancellationToken);
            State.IntervalSeconds = new Dictionary<string, int>(answer.Policy.IntervalSeconds);
            State.LastHeartbeatAt = DateTimeOffset.UtcNow;
        }
        catch (Exception ex) when (ex is HttpRequestException or AgentServerException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Fail("heartbeat", ex);
        }
    }

    /// <summary>Collects the categories that are due into the queue; true when any was.</summary>
    private bool CollectDue(DateTimeOffset now, bool force)
    {
        var collected = false;
        foreach (var category in collection.Categories)
        {
            var interval = TimeSpan.FromSeconds(State.IntervalSeconds.GetValueOrDefault(category, SnapshotCategories.DefaultIntervalSeconds.GetValueOrDefault(category, 900)));
            if (!force && State.LastCollectedAt.TryGetValue(category, out var last) && now - last < interval)
            {
                continue;
            }

            var problems = new List<string>();
            queue.Enqueue(collection.Collect(category, problems));
            State.LastCollectedAt[category] = now;
            collected = true;
            foreach (var problem in problems.Take(5))
            {
                log.WriteLine($"collect {category}: {problem}");
            }
        }

        return collected;
    }

    /// <summary>Uploads waiting snapshots, oldest first; false when the server could not take them (retry later).</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        foreach (var item in queue.Pending())
        {
            HttpStatusCode status;
            try
            {
                status = await client.UploadAsync(OfflineQueue.Read(item), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Fail("upload", ex);
                return false;
            }

            if (status == HttpStatusCode.OK)
            {
                OfflineQueue.Remove(item);
            }
            else if (status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                // The server will never take this one: keep it aside for inspection, go on with the rest.
                queue.Reject(item, $"{(int)status} at {DateTimeOffset.UtcNow:O}");
                log.WriteLine($"upload: snapshot {item.SnapshotId} refused with {(int)status}; kept in rejected/");
            }
            else
            {
                Fail("upload", new AgentServerException(status, "upload not accepted"));
                return false;
            }
        }

        _retryDelay = TimeSpan.FromSeconds(5);
        return true;
    }

    private TimeSpan NextRetryDelay()
    {
        var delay = _retryDelay;
        _retryDelay = TimeSpan.FromTicks(Math.Min(s_maxRetryDelay.Ticks, _retryDelay.Ticks * 2));
        return delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
    }

    private DateTimeOffset NextDue() => collection.Categories
        .Select(c => State.LastCollectedAt.GetValueOrDefault(c) + TimeSpan.FromSeconds(State.IntervalSeconds.GetValueOrDefault(c, SnapshotCategories.DefaultIntervalSeconds.GetValueOrDefault(c, 900))))
        .DefaultIfEmpty(DateTimeOffset.UtcNow + HeartbeatInterval)
        .Min();

    private void Fail(string what, Exception ex)
    {
        State.LastError = $"{what}: {ex.Message}";
        State.LastErrorAt = DateTimeOffset.UtcNow;
        log.WriteLine(State.LastError);
    }

    private static List<string> Addresses() =>
        [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Select(a => a.ToString())
            .Distinct()
            .Take(32)];

    private void SaveState() => AtomicFile.Write(_statePath, JsonSerializer.SerializeToUtf8Bytes(State, AgentConfigJson.Default.AgentState));

    private static AgentState LoadState(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), AgentConfigJson.Default.AgentState) ?? new AgentState() : new AgentState();
}
