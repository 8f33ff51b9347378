using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Tenantra.Server.Platform.Metrics;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>The registry and its text exposition, built directly, without a web host.</summary>
public sealed class MetricsTextFormatTests
{

    [Fact]
    public void Renders_counters_gauges_and_histograms_in_the_text_format()
    {
        var registry = new MetricsRegistry();
        var requests = registry.CreateCounter("demo_requests", "Requests handled.", "method", "status");
        requests.WithLabels("GET", "200").Inc();
        requests.WithLabels("GET", "200").Inc(2);
        requests.WithLabels("POST", "500").Inc();
        var queue = registry.CreateGauge("demo_queue_length", "Items waiting.");
        queue.Set(7);
        queue.Dec();
        var latency = registry.CreateHistogram("demo_latency_seconds", "Request latency.", [0.5, 1], "route");
        latency.WithLabels("/a").Observe(0.25);
        latency.WithLabels("/a").Observe(0.5);
        latency.WithLabels("/a").Observe(2);

        var text = PrometheusTextWriter.Render(registry);

        const string expected = """
            # HELP demo_latency_seconds Request latency.
            # TYPE demo_latency_seconds histogram
            demo_latency_seconds_bucket{route="/a",le="0.5"} 2
            demo_latency_seconds_bucket{route="/a",le="1"} 2
            demo_latency_seconds_bucket{route="/a",le="+Inf"} 3
            demo_latency_seconds_sum{route="/a"} 2.75
            demo_latency_seconds_count{route="/a"} 3
            # HELP demo_queue_length Items waiting.
            # TYPE demo_queue_length gauge
            demo_queue_length 6
            # HELP demo_requests_total Requests handled.
            # TYPE demo_requests_total counter
            demo_requests_total{method="GET",status="200"} 3
            demo_requests_total{method="POST",status="500"} 1

            """;
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Counter_names_get_the_total_suffix_once()
    {
        var registry = new MetricsRegistry();

        Assert.Equal("a_total", registry.CreateCounter("a", "A.").Name);
        Assert.Equal("b_total", registry.CreateCounter("b_total", "B.").Name);
        Assert.Throws<InvalidOperationException>(() => registry.CreateCounter("a_total", "A again."));
    }

    [Fact]
    public void Escapes_hostile_label_values_and_help_text()
    {
        var registry = new MetricsRegistry();
        var counter = registry.CreateCounter("hostile", "Help with a \\ backslash,\na newline and \"quotes\".", "value");
        counter.WithLabels("a\"b\\c\nd} 1\nfake_total 9").Inc();

        var text = PrometheusTextWriter.Render(registry);

        const string expected = """
            # HELP hostile_total Help with a \\ backslash,\na newline and "quotes".
            # TYPE hostile_total counter
            hostile_total{value="a\"b\\c\nd} 1\nfake_total 9"} 1

            """;
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_count_matches_the_infinite_bucket()
    {
        var registry = new MetricsRegistry();
        var histogram = registry.CreateHistogram("sizes_bytes", "Sizes.", [10, 100, 1000]);
        foreach (var value in new double[] { 1, 10, 11, 500, 500, 5000, double.NaN })
        {
            histogram.Observe(value);
        }

        var lines = PrometheusTextWriter.Render(registry).Split('\n');

        Assert.Contains("sizes_bytes_bucket{le=\"10\"} 2", lines);
        Assert.Contains("sizes_bytes_bucket{le=\"100\"} 3", lines);
        Assert.Contains("sizes_bytes_bucket{le=\"1000\"} 5", lines);
        Assert.Contains("sizes_bytes_bucket{le=\"+Inf\"} 7", lines);
        Assert.Contains("sizes_bytes_count 7", lines);
        Assert.Contains("sizes_bytes_sum NaN", lines);
    }

    [Fact]
    public void Renders_special_values_and_callback_gauges_at_scrape_time()
    {
        var registry = new MetricsRegistry();
        var reading = 1.5;
        registry.CreateCallbackGauge("reading_ratio", "Reading.", () => reading);
        var limits = registry.CreateGauge("limit_bytes", "Limits.", "kind");
        limits.WithLabels("none").Set(double.PositiveInfinity);
        limits.WithLabels("floor").Set(double.NegativeInfinity);
        limits.WithLabels("tiny").Set(1e-7);
        reading = 2.5;

        var lines = PrometheusTextWriter.Render(registry).Split('\n');

        Assert.Contains("reading_ratio 2.5", lines);
        Assert.Contains("limit_bytes{kind=\"none\"} +Inf", lines);
        Assert.Contains("limit_bytes{kind=\"floor\"} -Inf", lines);
        Assert.Contains("limit_bytes{kind=\"tiny\"} 1E-07", lines);
    }

    [Theory]
    [InlineData("camelCase")]
    [InlineData("9starts_with_digit")]
    [InlineData("has-dash")]
    [InlineData("recording:rule")]
    [InlineData("__reserved")]
    [InlineData("requests_counter")]
    [InlineData("")]
    public void Rejects_metric_names_outside_the_prometheus_rules(string name)
    {
        var registry = new MetricsRegistry();

        Assert.Throws<ArgumentException>(() => registry.CreateGauge(name, "Help."));
    }

    [Theory]
    [InlineData("camelCase")]
    [InlineData("__name")]
    [InlineData("le")]
    [InlineData("has space")]
    public void Rejects_label_names_outside_the_prometheus_rules(string labelName)
    {
        var registry = new MetricsRegistry();

        Assert.Throws<ArgumentException>(() => registry.CreateCounter("things", "Help.", labelName));
    }

    [Fact]
    public void Rejects_misuse_that_would_break_the_exposition()
    {
        var registry = new MetricsRegistry();
        var counter = registry.CreateCounter("events", "Events.", "kind");
        registry.CreateHistogram("wait_seconds", "Waits.", [1]);

        Assert.Throws<ArgumentException>(() => registry.CreateGauge("queue_total", "Gauges must not look like counters."));
        Assert.Throws<ArgumentException>(() => registry.CreateGauge("queue_count", "Gauges must not look like histograms."));
        Assert.Throws<ArgumentException>(() => registry.CreateGauge("no_help", " "));
        Assert.Throws<ArgumentException>(() => registry.CreateCounter("twice", "Twice.", "kind", "kind"));
        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("unsorted_seconds", "Unsorted.", [1, 1]));
        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("infinite_seconds", "Infinite.", [1, double.PositiveInfinity]));
        Assert.Throws<InvalidOperationException>(() => registry.CreateGauge("wait_seconds", "Collides with the histogram."));
        Assert.Throws<ArgumentException>(() => counter.WithLabels("a", "b"));
        Assert.Throws<ArgumentNullException>(() => counter.WithLabels((string)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.WithLabels("a").Inc(-1));
        Assert.Throws<InvalidOperationException>(() => counter.Inc());
    }

    [Fact]
    public void Counts_every_increment_under_contention()
    {
        var registry = new MetricsRegistry();
        var counter = registry.CreateCounter("contended", "Contended.", "worker");
        var histogram = registry.CreateHistogram("contended_seconds", "Contended.", [0.5]);

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.WithLabels((i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
                histogram.Observe(1);
            }
        });

        Assert.Equal(80_000, counter.WithLabels("0").Value + counter.WithLabels("1").Value);
        Assert.Equal(80_000, histogram.WithLabels().Count);
        Assert.Equal(80_000, histogram.WithLabels().Sum);
    }

    [Fact]
    public void Content_type_is_the_text_format_0_0_4()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", PrometheusTextWriter.ContentType);
    }

    [Fact]
    public void Tenantra_metrics_expose_known_outcomes_build_and_uptime_from_the_start()
    {
        var metrics = new TenantraMetrics(new MetricsRegistry());

        var lines = PrometheusTextWriter.Render(metrics.Registry).Split('\n');

        Assert.Contains("tenantra_sign_ins_total{outcome=\"locked_out\"} 0", lines);
        Assert.Contains("tenantra_audit_records_written_total 0", lines);
        Assert.Contains(lines, line => line.StartsWith("tenantra_build_info{version=\"", StringComparison.Ordinal) && line.EndsWith("\"} 1", StringComparison.Ordinal));
        Assert.True(metrics.ProcessUptime.Observe() > 0);
    }

    [Fact]
    public async Task Middleware_labels_requests_with_the_route_template_not_the_path()
    {
        var metrics = new TenantraMetrics(new MetricsRegistry());
        var endpoint = new RouteEndpoint(
            _ => Task.CompletedTask,
            RoutePatternFactory.Parse("/tenants/{tenantId}/users"),
            order: 0,
            EndpointMetadataCollection.Empty,
            displayName: "ListUsers");
        var middleware = new HttpMetricsMiddleware(
            context =>
            {
                context.SetEndpoint(endpoint);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            },
            metrics);
        var context = new DefaultHttpContext();
        context.Request.Method = "get";
        context.Request.Path = "/tenants/42/users";

        await middleware.InvokeAsync(context);

        Assert.Equal(1, metrics.HttpRequests.WithLabels("GET", "/tenants/{tenantId}/users", "204").Value);
        Assert.Equal(1, metrics.HttpRequestDuration.WithLabels("GET", "/tenants/{tenantId}/users").Count);
        Assert.DoesNotContain("/tenants/42", PrometheusTextWriter.Render(metrics.Registry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Middleware_records_unmatched_failures_as_500_with_bounded_labels()
    {
        var metrics = new TenantraMetrics(new MetricsRegistry());
        var middleware = new HttpMetricsMiddleware(_ => throw new InvalidOperationException("boom"), metrics);
        var context = new DefaultHttpContext();
        context.Request.Method = "BREW";
        context.Request.Path = "/no/such/path";

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));

        Assert.Equal(1, metrics.HttpRequests.WithLabels("_OTHER", "unmatched", "500").Value);
        Assert.Equal(1, metrics.HttpRequestDuration.WithLabels("_OTHER", "unmatched").Count);
    }

    [Fact]
    public async Task Promtool_accepts_a_populated_registry()
    {
        var metrics = new TenantraMetrics(new MetricsRegistry());
        metrics.HttpRequests.WithLabels("GET", "/api/tenants/{tenantId}", "200").Inc();
        metrics.HttpRequestDuration.WithLabels("GET", "/api/tenants/{tenantId}").Observe(0.012);
        metrics.SignIns.WithLabels(SignInOutcome.Success).Inc();
        metrics.AuditRecordsWritten.Inc(3);
        metrics.ApiTokenAuthentications.WithLabels("success").Inc();
        metrics.RateLimitRejections.WithLabels("sign-in \"burst\"\\\nline two").Inc();
        metrics.WorkerHeartbeats.WithLabels("audit-chain-verifier").Inc();
        var (exitCode, output) = await Promtool.CheckMetricsAsync(PrometheusTextWriter.Render(metrics.Registry));

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}");
    }
}
