using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tenantra.Benchmarks;

/// <summary>
/// The audit viewer's searches against a running server: for a tenant seeded by <c>seed-load</c>
/// (a million records by default in scripts/bench), each query the console sends — filters alone,
/// full-text search, both, deep pages — is run <c>--runs</c> times after <c>--warmup</c> runs, one
/// at a time, through <c>GET /audit-records</c> with a platform admin's token. Prints each query's
/// median, p95 and maximum, and the p95 over every run.
/// </summary>
internal static class AuditSearchLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = LoadSeeder.Arg(args, "--url", "http://127.0.0.1:5091");
        var tenant = LoadSeeder.Arg(args, "--tenant", "");
        var token = LoadSeeder.Arg(args, "--token", "");
        var runs = IngestLoad.Number(args, "--runs", 30);
        var warmup = IngestLoad.Number(args, "--warmup", 3);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var day = DateTimeOffset.UtcNow.AddDays(-100).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var nextDay = DateTimeOffset.UtcNow.AddDays(-99).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (string Name, string Query)[] queries =
        [
            ("newest page (no filter)", ""),
            ("page 500 (no filter)", "page=500"),
            ("action prefix", "action=api-token."),
            ("outcome failure", "outcome=failure"),
            ("one actor", $"actorUserId={LoadSeeder.Actors[7]}"),
            ("acting MSP", $"onBehalfOfTenantId={LoadSeeder.ActingMsp}"),
            ("one target", "targetType=user&targetId=user-1234"),
            ("source IP", "sourceIp=10.0.2.17"),
            ("one day", $"from={day}T00:00:00Z&to={nextDay}T00:00:00Z"),
            ("search actor email", "q=staff7%40bench.example"),
            ("search a word of before/after", "q=foxtrot"),
            ("search two terms", "q=juliet%20admin"),
            ("search + action + outcome", "q=kilo&action=user.&outcome=failure"),
            ("search + actor + day", $"q=alpha&actorUserId={LoadSeeder.Actors[3]}&from={day}T00:00:00Z&to={nextDay}T00:00:00Z"),
            ("action + deep page", "action=sign-in.&page=200"),
        ];

        var all = new List<double>();
        Console.WriteLine($"{"query",-34} {"matches",10} {"median ms",10} {"p95 ms",8} {"max ms",8}");
        foreach (var (name, query) in queries)
        {
            var times = new List<double>();
            long total = 0;
            for (var i = 0; i < warmup + runs; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync($"/api/v1/tenants/{tenant}/audit-records?pageSize=50&{query}");
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"{name}: {(int)response.StatusCode} {body}");
                    return 1;
                }

                if (i >= warmup)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    total = JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64();
                }
            }

            all.AddRange(times);
            Console.WriteLine($"{name,-34} {total,10:N0} {Percentile(times, 50),10:F1} {Percentile(times, 95),8:F1} {times.Max(),8:F1}");
        }

        Console.WriteLine($"all searches: {all.Count} runs, median {Percentile(all, 50):F1} ms, p95 {Percentile(all, 95):F1} ms, max {all.Max():F1} ms");
        return 0;
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
