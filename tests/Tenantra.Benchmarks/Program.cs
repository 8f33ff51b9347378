using BenchmarkDotNet.Running;

namespace Tenantra.Benchmarks;

/// <summary>
/// Load scenarios and benchmarks (not tests). <c>seed-load</c> prepares the database for the wrk
/// scenario in scripts/bench; <c>audit-overhead</c> measures the audit write; <c>ingest-load</c>
/// loads a running server with signed snapshot uploads from simulated agents; <c>enrollment-token</c>
/// makes a token for the published agent; <c>notify-load</c> measures published event → ledger entry;
/// <c>audit-search</c> times the audit viewer's searches against a running server;
/// anything else goes to BenchmarkDotNet.
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "seed-load":
                return await LoadSeeder.RunAsync(args[1..]);
            case "audit-overhead":
                return await AuditOverhead.RunAsync(args[1..]);
            case "ingest-load":
                return await IngestLoad.RunAsync(args[1..]);
            case "notify-load":
                return await NotifyLoad.RunAsync(args[1..]);
            case "audit-search":
                return await AuditSearchLoad.RunAsync(args[1..]);
            case "enrollment-token":
                return await BenchTenant.RunAsync(args[1..]);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
                return 0;
        }
    }
}
