using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;

namespace Tenantra.Server.Platform.Metrics;

/// <summary>
/// Counts requests and times them into <see cref="TenantraMetrics.HttpRequests"/> and
/// <see cref="TenantraMetrics.HttpRequestDuration"/>. Must run after routing (<c>UseRouting</c>, or
/// the routing <c>WebApplication</c> adds first) so the matched endpoint is known; put it after
/// <c>UseExceptionHandler</c> too, so a failing request is seen with its own route. The <c>route</c>
/// label is the endpoint's route template, or <c>unmatched</c> when no endpoint matched — never the raw
/// path, which would give one series per URL. Methods outside the standard nine become <c>_OTHER</c>.
/// </summary>
public sealed class HttpMetricsMiddleware
{
    internal const string UnmatchedRoute = "unmatched";
    internal const string OtherMethod = "_OTHER";

    private static readonly FrozenSet<string> s_standardMethods = FrozenSet.Create(
        StringComparer.Ordinal,
        HttpMethods.Get,
        HttpMethods.Head,
        HttpMethods.Post,
        HttpMethods.Put,
        HttpMethods.Patch,
        HttpMethods.Delete,
        HttpMethods.Options,
        HttpMethods.Trace,
        HttpMethods.Connect);

    /// <summary>"100" to "599", made once so recording a status allocates nothing.</summary>
    private static readonly string[] s_statusLabels = Enumerable.Range(100, 500).Select(code => code.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly RequestDelegate _next;
    private readonly Counter _requests;
    private readonly Histogram _duration;

    public HttpMetricsMiddleware(RequestDelegate next, TenantraMetrics metrics)
    {
        _next = next;
        _requests = metrics.HttpRequests;
        _duration = metrics.HttpRequestDuration;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            await _next(context);
            completed = true;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
            var method = MethodLabel(context.Request.Method);
            var route = RouteLabel(context);

            // An exception that escapes before the response started becomes a 500 further out.
            var status = completed || context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
            _requests.WithLabels(method, route, StatusLabel(status)).Inc();
            _duration.WithLabels(method, route).Observe(elapsed);
        }
    }

    internal static string RouteLabel(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedRoute;

    internal static string MethodLabel(string method)
    {
        var canonical = HttpMethods.GetCanonicalizedValue(method);
        return s_standardMethods.Contains(canonical) ? canonical : OtherMethod;
    }

    private static string StatusLabel(int status) =>
        status is >= 100 and < 600 ? s_statusLabels[status - 100] : status.ToString(CultureInfo.InvariantCulture);
}
