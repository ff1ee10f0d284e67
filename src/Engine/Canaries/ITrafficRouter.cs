namespace Tide.Engine.Canaries;

/// <summary>How traffic is split between the primary and the canary (Flagger's mesh router interface).</summary>
public interface ITrafficRouter
{
    /// <summary>Creates or updates the routing object, keeping the weights it has.</summary>
    Task ReconcileAsync(CanaryRun run, CancellationToken ct);

    /// <summary>The weights now routed to the primary and the canary.</summary>
    Task<(int Primary, int Canary)> GetRoutesAsync(CanaryRun run, CancellationToken ct);

    Task SetRoutesAsync(CanaryRun run, int primary, int canary, CancellationToken ct);
}
