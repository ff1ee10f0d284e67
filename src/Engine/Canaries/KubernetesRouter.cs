namespace Tide.Engine.Canaries;

/// <summary>The kubernetes provider: no weights (the apex Service selects the primary; blue/green switches by
/// promoting the canary's spec to the primary).</summary>
public sealed class KubernetesRouter : ITrafficRouter
{
    public static KubernetesRouter Instance { get; } = new();

    public Task ReconcileAsync(CanaryRun run, CancellationToken ct) => Task.CompletedTask;

    public Task<(int Primary, int Canary)> GetRoutesAsync(CanaryRun run, CancellationToken ct) => Task.FromResult((0, 0));

    public Task SetRoutesAsync(CanaryRun run, int primary, int canary, CancellationToken ct) => Task.CompletedTask;
}
