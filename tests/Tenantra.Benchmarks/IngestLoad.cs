using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Npgsql;
using Tenantra.Agent.Contracts;

namespace Tenantra.Benchmarks;

/// <summary>
/// Snapshot ingestion under load, against a running server over real HTTP: a tenant and an
/// enrollment token are written to the server's database, then <c>--agents</c> simulated agents
/// enroll over HTTP with their own P-256 keys and upload <c>--entries</c>-entry snapshots
/// (<see cref="SyntheticMachine"/>) back to back, each request signed by <see cref="SigningHandler"/>
/// as the real agent signs it. The gzip bodies are prepared before the clock starts so the client
/// spends its CPU on signing and HTTP only. After <c>--warmup</c> seconds, <c>--seconds</c> are
/// measured: snapshots/s and entries/s (200s completed in the window), latency percentiles, and every
/// other answer by status.
/// </summary>
internal static class IngestLoad
{
    private const string PostgresSetting = "--Tenantra:Database:Postgres=";

    public static async Task<int> RunAsync(string[] args)
    {
        var server = new Uri(LoadSeeder.Arg(args, "--server", "http://127.0.0.1:5091"));
        var agentCount = Number(args, "--agents", 50);
        var seconds = Number(args, "--seconds", 30);
        var warmup = Number(args, "--warmup", 10);
        var entries = Number(args, "--entries", 1000);
        // Bodies are prepared for this rate over the measured window; a faster server gets the rest made on the fly (reported).
        var prepareRate = Number(args, "--prepare-rate", 300);
        var serverPid = Number(args, "--server-pid", 0);
        var postgresSetting = args.FirstOrDefault(a => a.StartsWith(PostgresSetting, StringComparison.Ordinal));
        var database = postgresSetting is null ? null : new NpgsqlConnectionStringBuilder(postgresSetting[PostgresSetting.Length..]).Database;

        var tenant = await BenchTenant.CreateAsync(args, "ingest load");
        var agents = new List<SimulatedAgent>();
        for (var i = 0; i < agentCount; i++)
        {
            agents.Add(await SimulatedAgent.EnrollAsync(server, tenant.Token, i, entries));
        }

        var prepare = Stopwatch.StartNew();
        var perAgent = (int)Math.Ceiling((double)prepareRate * seconds / agentCount);
        Parallel.ForEach(agents, agent => agent.Prepare(perAgent));
        var bodies = agents.SelectMany(a => a.Prepared).ToList();
        Console.WriteLine($"{agentCount} agents enrolled and checked in; {bodies.Count:N0} snapshots prepared in {prepare.Elapsed.TotalSeconds:F1} s " +
            $"(gzip {bodies.Average(b => b.Body.Length) / 1024:F0} KB, JSON {bodies.Average(b => b.JsonBytes) / 1024:F0} KB on average)");
        bodies.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var window = new MeasurementWindow(Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds));
        var fromUsage = Task.Delay(window.MeasuredFrom).ContinueWith(_ => CpuUsage.Take(serverPid, database), TaskScheduler.Default);
        var toUsage = Task.Delay(window.End).ContinueWith(_ => CpuUsage.Take(serverPid, database), TaskScheduler.Default);
        await Task.WhenAll(agents.Select(a => a.UploadUntilAsync(window)));

        Report(tenant, agents, window, entries, await fromUsage, await toUsage);
        foreach (var agent in agents)
        {
            agent.Dispose();
        }

        return agents.Sum(a => a.Results.Count(r => r.Status != 200)) == 0 ? 0 : 1;
    }

    private static void Report(BenchTenant.Created tenant, List<SimulatedAgent> agents, MeasurementWindow window, int entries, CpuUsage from, CpuUsage to)
    {
        var results = agents.SelectMany(a => a.Results).ToList();
        var stored = results.Where(r => r.Status == 200).ToList();
        var latencies = results.Select(r => r.Milliseconds).Order().ToList();
        var seconds = window.Measured.TotalSeconds;
        Console.WriteLine($"ingest-load ({tenant.Engine}, {agents.Count} agents, {entries} entries per snapshot, {window.Warmup.TotalSeconds:F0} s warm-up, {seconds:F0} s measured):");
        Console.WriteLine($"  snapshots stored: {stored.Count:N0} = {stored.Count / seconds:F1} snapshots/s, {stored.Count * (double)entries / seconds:N0} entries/s");
        if (latencies.Count > 0)
        {
            Console.WriteLine($"  latency (signing + upload + answer): p50 {Percentile(latencies, 0.50):F1} ms  p90 {Percentile(latencies, 0.90):F1} ms  " +
                $"p99 {Percentile(latencies, 0.99):F1} ms  max {latencies[^1]:F1} ms");
        }

        var refused = results.Where(r => r.Status != 200).GroupBy(r => r.Status).OrderBy(g => g.Key).ToList();
        Console.WriteLine(refused.Count == 0
            ? $"  answers: {results.Count:N0} × 200, no errors"
            : $"  answers: {stored.Count:N0} × 200; ERRORS: {string.Join(", ", refused.Select(g => $"{g.Count():N0} × {(g.Key == 0 ? "no answer" : g.Key)}"))}");
        foreach (var group in refused)
        {
            Console.WriteLine($"    first {(group.Key == 0 ? "failure" : group.Key.ToString(CultureInfo.InvariantCulture))}: {group.First().Detail}");
        }

        var duplicates = stored.Count(r => r.Detail == "duplicate");
        if (duplicates > 0)
        {
            Console.WriteLine($"  WARNING: {duplicates} uploads were answered as duplicates (every snapshot id is new)");
        }

        var madeLate = agents.Sum(a => a.GeneratedDuringRun);
        if (madeLate > 0)
        {
            Console.WriteLine($"  note: {madeLate:N0} snapshots were generated during the run (raise --prepare-rate): the client competed for CPU");
        }

        var server = to.ServerPercent(from);
        var postgres = to.PostgresPercent(from);
        var client = to.ClientPercent(from);
        Console.WriteLine($"  CPU over the window (of {Environment.ProcessorCount * 100}%): machine {to.MachineBusyPercent(from):F0}%, this client {client:F0}%" +
            $"{(server is null ? "" : $", server {server:F0}%")}{(postgres is null ? "" : $", PostgreSQL backends of the database {postgres:F0}%")}");
        if (server is not null && stored.Count > 0)
        {
            // CPU per snapshot moves less than the rate when other work shares the machine; their sum bounds what it could do alone.
            var perSnapshot = (double percent) => percent * 10 * seconds / stored.Count;
            var total = perSnapshot(client) + perSnapshot(server.Value) + (postgres is null ? 0 : perSnapshot(postgres.Value));
            Console.WriteLine($"  CPU per stored snapshot: server {perSnapshot(server.Value):F2} ms{(postgres is null ? "" : $", PostgreSQL {perSnapshot(postgres.Value):F2} ms")}, " +
                $"client {perSnapshot(client):F2} ms; {Environment.ProcessorCount} cores / {total:F2} ms = {Environment.ProcessorCount * 1000 / total:F0} snapshots/s if nothing else ran");
        }
    }

    internal static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    internal static int Number(string[] args, string name, int fallback) =>
        int.Parse(LoadSeeder.Arg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>Warm-up, then the measured window; answers count when they complete inside it.</summary>
    internal sealed record MeasurementWindow(long Start, TimeSpan Warmup, TimeSpan Measured)
    {
        public TimeSpan MeasuredFrom => Warmup;

        public TimeSpan End => Warmup + Measured;

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Start);

        public bool Counts(TimeSpan completedAt) => completedAt >= MeasuredFrom && completedAt <= End;
    }

    /// <summary>One upload's outcome: status 0 when no answer came (connection error).</summary>
    internal sealed record UploadResult(int Status, double Milliseconds, string Detail);

    /// <summary>
    /// CPU time so far of the whole machine (/proc/stat), this process, the server when its pid is
    /// given, and the PostgreSQL backends connected to the bench database when it is named.
    /// </summary>
    private sealed record CpuUsage(TimeSpan At, double MachineBusyTicks, double MachineTotalTicks, double ClientSeconds, double? ServerSeconds, double? PostgresSeconds)
    {
        private const double TicksPerSecond = 100; // USER_HZ on Linux

        private static readonly long s_startedAt = Stopwatch.GetTimestamp();

        public static CpuUsage Take(int serverPid, string? database)
        {
            // user nice system idle iowait irq softirq steal, in clock ticks.
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
                .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            var idle = cpu[3] + cpu[4];
            double? server = serverPid > 0 ? ProcessSeconds(serverPid) : null;
            double? postgres = database is null ? null : PostgresBackends(database).Sum(ProcessSeconds);
            using var self = Process.GetCurrentProcess();
            return new CpuUsage(Stopwatch.GetElapsedTime(s_startedAt), cpu.Sum() - idle, cpu.Sum(), self.TotalProcessorTime.TotalSeconds, server, postgres);
        }

        public double MachineBusyPercent(CpuUsage from) => 100.0 * Environment.ProcessorCount * (MachineBusyTicks - from.MachineBusyTicks) / (MachineTotalTicks - from.MachineTotalTicks);

        public double ClientPercent(CpuUsage from) => PercentOf(ClientSeconds - from.ClientSeconds, from);

        public double? ServerPercent(CpuUsage from) => ServerSeconds - from.ServerSeconds is { } seconds ? PercentOf(seconds, from) : null;

        public double? PostgresPercent(CpuUsage from) => PostgresSeconds - from.PostgresSeconds is { } seconds ? PercentOf(seconds, from) : null;

        private double PercentOf(double seconds, CpuUsage from) => 100 * seconds / (At - from.At).TotalSeconds;

        /// <summary>utime + stime of a process (the 14th and 15th fields of /proc/pid/stat), 0 when it is gone.</summary>
        private static double ProcessSeconds(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        /// <summary>Backends show "postgres: user database client state" as their command line.</summary>
        private static IEnumerable<int> PostgresBackends(string database) =>
            Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
                .Where(pid => pid > 0 && ReadCommandLine(pid) is { } line && line.StartsWith("postgres: ", StringComparison.Ordinal) && line.Contains($" {database} ", StringComparison.Ordinal));

        private static string? ReadCommandLine(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline");
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>An enrolled agent of the load: its key, its signing client, its machine and its prepared uploads.</summary>
    private sealed class SimulatedAgent : IDisposable
    {
        private readonly ECDsa _key;
        private readonly HttpClient _client;
        private readonly SyntheticMachine _machine;
        private readonly Queue<SyntheticMachine.Upload> _prepared = new();
        private int _uploads;
        private DateTimeOffset _warmupCollectedAt;

        private SimulatedAgent(ECDsa key, Guid agentId, Uri server, SyntheticMachine machine, int number)
        {
            _key = key;
            _machine = machine;
            _uploads = number; // agents start at different points of the category rotation
            var transport = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            _client = new HttpClient(new SigningHandler(agentId, () => _key, TimeProvider.System) { InnerHandler = transport }) { BaseAddress = server };
        }

        public IEnumerable<SyntheticMachine.Upload> Prepared => _prepared;

        public List<UploadResult> Results { get; } = [];

        public int GeneratedDuringRun { get; private set; }

        public static async Task<SimulatedAgent> EnrollAsync(Uri server, string token, int number, int entries)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new EnrollRequest(token, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), $"bench-{Guid.NewGuid():N}",
                $"bench-agent-{number:D4}", "linux", "Debian 12", "0.1.0");
            using var anonymous = new HttpClient { BaseAddress = server };
            using var enrolled = await anonymous.PostAsJsonAsync("/api/v1/agent/enroll", request, AgentJsonContext.Default.EnrollRequest);
            if (!enrolled.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Enrolling agent {number} failed: {(int)enrolled.StatusCode} {await enrolled.Content.ReadAsStringAsync()}");
            }

            var answer = (await enrolled.Content.ReadFromJsonAsync(AgentJsonContext.Default.EnrollResponse))!;
            var agent = new SimulatedAgent(key, answer.AgentId, server, new SyntheticMachine(seed: number, entries), number);
            using var heartbeat = await agent._client.PostAsJsonAsync("/api/v1/agent/heartbeat",
                new HeartbeatRequest("0.1.0", request.Hostname, "linux", "Debian 12", 3600, ["10.0.0.5"], 0), AgentJsonContext.Default.HeartbeatRequest);
            if (!heartbeat.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Agent {number}'s signed heartbeat failed: {(int)heartbeat.StatusCode} {await heartbeat.Content.ReadAsStringAsync()}");
            }

            return agent;
        }

        /// <summary>
        /// Makes the uploads of the measured window, collected in the recent past, oldest first. Warm-up
        /// uploads, made later, are stamped an hour earlier still, so every upload of the window is newer
        /// than the asset's current state and replaces it, as a live agent's uploads do.
        /// </summary>
        public void Prepare(int count)
        {
            var first = DateTimeOffset.UtcNow.AddMilliseconds(-10 * count);
            for (var i = 0; i < count; i++)
            {
                _prepared.Enqueue(Next(first.AddMilliseconds(10 * i)));
            }

            _warmupCollectedAt = first.AddHours(-1);
        }

        public async Task UploadUntilAsync(MeasurementWindow window)
        {
            while (window.Elapsed < window.End)
            {
                SyntheticMachine.Upload? upload;
                if (window.Elapsed < window.MeasuredFrom)
                {
                    upload = Next(_warmupCollectedAt = _warmupCollectedAt.AddMilliseconds(10));
                }
                else if (!_prepared.TryDequeue(out upload))
                {
                    upload = Next(DateTimeOffset.UtcNow);
                    GeneratedDuringRun++;
                }

                using var content = new ByteArrayContent(upload.Body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/gzip");
                var started = Stopwatch.GetTimestamp();
                UploadResult result;
                try
                {
                    using var response = await _client.PostAsync("/api/v1/agent/snapshots", content);
                    var status = (int)response.StatusCode;
                    var detail = status == 200
                        ? (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.SnapshotAccepted))!.Duplicate ? "duplicate" : ""
                        : Shorten(await response.Content.ReadAsStringAsync());
                    result = new UploadResult(status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail);
                }
                catch (HttpRequestException ex)
                {
                    result = new UploadResult(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Shorten(ex.Message));
                }

                if (window.Counts(window.Elapsed))
                {
                    Results.Add(result);
                }
            }
        }

        public void Dispose()
        {
            _client.Dispose();
            _key.Dispose();
        }

        /// <summary>The categories in <see cref="SyntheticMachine.UploadOrder"/>, round robin.</summary>
        private SyntheticMachine.Upload Next(DateTimeOffset collectedAt) =>
            _machine.NextUpload(SyntheticMachine.UploadOrder[_uploads++ % SyntheticMachine.UploadOrder.Count], collectedAt);

        private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
    }
}
