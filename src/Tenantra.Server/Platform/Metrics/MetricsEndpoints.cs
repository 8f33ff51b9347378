namespace Tenantra.Server.Platform.Metrics;

/// <summary>The HTTP side of metrics: the scrape endpoint and the request instrumentation.</summary>
public static class MetricsEndpoints
{
    /// <summary>
    /// Adds <see cref="HttpMetricsMiddleware"/>. Call it after <c>UseRouting</c> (or anywhere after
    /// <c>UseExceptionHandler</c> when relying on the routing <c>WebApplication</c> adds first), so the
    /// matched endpoint, and with it the route template label, is known.
    /// </summary>
    public static IApplicationBuilder UseHttpMetrics(this IApplicationBuilder app) =>
        app.UseMiddleware<HttpMetricsMiddleware>();

    /// <summary>
    /// Maps <c>GET /metrics</c>, anonymous, for Prometheus to scrape. Anyone who can reach it sees
    /// request rates and route templates (no tenant data); restrict it by network or
    /// <c>RequireHost</c> on the returned builder where that matters.
    /// </summary>
    public static RouteHandlerBuilder MapMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics") =>
        endpoints.MapGet(pattern, (TenantraMetrics metrics) =>
                TypedResults.Text(PrometheusTextWriter.Render(metrics.Registry), PrometheusTextWriter.ContentType))
            .WithName("GetMetrics")
            .WithTags("Metrics")
            .WithSummary("Prometheus metrics")
            .WithDescription("Every server metric in the Prometheus text exposition format 0.0.4: HTTP request counts and durations by route template, sign-ins, API token authentications, audit records written, rate limit rejections, worker heartbeats, uptime and build.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .AllowAnonymous();
}
