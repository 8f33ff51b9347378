using System.Diagnostics;
using System.Reflection;

namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// The application's instruments, created once on the registry (a DI singleton). To add one, add a
/// property initialised from <c>registry.Create…</c>; the name is checked at startup. Label values
/// must come from a bounded set (outcomes, policy or worker names), never from user input or paths.
/// </summary>
public sealed class TenantraMetrics(MetricsRegistry registry)
{
    /// <summary>1 ms to 10 s: API calls are expected in the low milliseconds, exports and reports in seconds.</summary>
    private static readonly double[] s_httpDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly TimeSpan s_processAgeAtLoad = ReadProcessAge();
    private static readonly long s_loadedAt = Stopwatch.GetTimestamp();

    public MetricsRegistry Registry { get; } = registry;

    /// <summary>Labels: <c>method</c>, <c>route</c> (the route template), <c>status</c>. Recorded by <see cref="HttpMetricsMiddleware"/>.</summary>
    public Counter HttpRequests { get; } = registry.CreateCounter("tenantra_http_requests", "HTTP requests handled, by method, route template and status code.", "method", "route", "status");

    /// <summary>Labels: <c>method</c>, <c>route</c>. Recorded by <see cref="HttpMetricsMiddleware"/>.</summary>
    public Histogram HttpRequestDuration { get; } = registry.CreateHistogram("tenantra_http_request_duration_seconds", "Time to handle an HTTP request, by method and route template.", s_httpDurationBuckets, "method", "route");

    /// <summary>Label <c>outcome</c>: one of <see cref="SignInOutcome"/>.</summary>
    public Counter SignIns { get; } = WithSeries(registry.CreateCounter("tenantra_sign_ins", "Sign-in attempts, by outcome.", "outcome"), SignInOutcome.All);

    public Counter AuditRecordsWritten { get; } = registry.CreateCounter("tenantra_audit_records_written", "Audit records appended to tenants' audit chains.");

    /// <summary>Label <c>outcome</c>, e.g. <c>success</c> or the reason a token was refused.</summary>
    public Counter ApiTokenAuthentications { get; } = registry.CreateCounter("tenantra_api_token_authentications", "Requests that presented an API token, by outcome.", "outcome");

    /// <summary>Label <c>policy</c>: the rate limiter policy name.</summary>
    public Counter RateLimitRejections { get; } = registry.CreateCounter("tenantra_rate_limit_rejections", "Requests rejected by a rate limiter, by policy.", "policy");

    /// <summary>Label <c>worker</c>: the background worker's name; incremented once per completed iteration.</summary>
    public Counter WorkerHeartbeats { get; } = registry.CreateCounter("tenantra_worker_heartbeats", "Iterations completed by background workers, by worker.", "worker");

    public CallbackGauge ProcessUptime { get; } = registry.CreateCallbackGauge("tenantra_process_uptime_seconds", "Time since the server process started.", UptimeSeconds);

    /// <summary>
    /// Always 1, labelled with the server assembly's informational version (version and commit). The
    /// server assembly rather than the entry assembly: they are the same in production, and under a
    /// test host the entry assembly is the test runner's.
    /// </summary>
    public Gauge BuildInfo { get; } = CreateBuildInfo(registry);

    private static Counter WithSeries(Counter counter, string[] labelValues)
    {
        // Known outcomes are exposed at 0 from the start, so rate() and alerts see them before the first event.
        foreach (var value in labelValues)
        {
            counter.WithLabels(value);
        }

        return counter;
    }

    private static Gauge CreateBuildInfo(MetricsRegistry registry)
    {
        var version = typeof(TenantraMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var gauge = registry.CreateGauge("tenantra_build_info", "Build of the running server; the value is always 1.", "version");
        gauge.WithLabels(version).Set(1);
        return gauge;
    }

    private static TimeSpan ReadProcessAge()
    {
        using var process = Process.GetCurrentProcess();
        var age = DateTime.Now - process.StartTime;
        return age > TimeSpan.Zero ? age : TimeSpan.Zero;
    }

    /// <summary>Process age when this type loaded plus a monotonic clock since, so wall-clock changes do not bend it.</summary>
    private static double UptimeSeconds() => (s_processAgeAtLoad + Stopwatch.GetElapsedTime(s_loadedAt)).TotalSeconds;
}
