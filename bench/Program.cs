// Benchmarks: `dotnet run -c Release --project bench -- <name> [args]`. Each benchmark lives in its own file and
// writes the figures it measures to stdout; BENCHMARKS.md records them with the command.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["kustomize"] = Tide.Bench.KustomizeBench.RunAsync,
    ["apiserver"] = Tide.Bench.ApiServerBench.RunAsync,
    ["helm"] = Tide.Bench.HelmBench.RunAsync,
    ["reconcile"] = Tide.Bench.ReconcileBench.RunAsync,
    ["helmrelease"] = Tide.Bench.HelmReleaseBench.RunAsync,
    ["ui"] = Tide.Bench.UiBench.RunAsync,
    ["faults"] = Tide.Bench.FaultBench.RunAsync,
    ["flux"] = Tide.Bench.FluxBench.RunAsync,
    ["steady"] = Tide.Bench.SteadyStateBench.RunAsync,
    ["clusters"] = Tide.Bench.ManyClustersBench.RunAsync,
    ["webhook"] = Tide.Bench.WebhookBench.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine("usage: tide-bench <" + string.Join("|", benchmarks.Keys) + "> [args]");
    return 2;
}
return await run(args[1..]);
