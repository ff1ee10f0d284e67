using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Canaries;

namespace Tide.Actors.Handlers;

/// <summary>Runs one step of a Canary's analysis for its entity, writes the status and records Flagger's events,
/// posts its alerts, and asks for the next step after the analysis interval.</summary>
public sealed class CanaryHandler(CanaryReconciler reconciler, CanaryAlerts alerts, StatusWriter status) : IReconcileHandler
{
    private const string Controller = "flagger";

    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var outcome = await reconciler.ReconcileAsync(obj, ct);
        var written = await status.WriteAsync(obj, FluxJson.ToNode(outcome.Status), outcome.Events, Controller);
        if (outcome.Alerts.Count > 0 && written is not null)
            await alerts.PostAsync(FluxJson.FromNode<Canary>(written), outcome.Alerts, ct);
        return new ReconcileOutcome(true, outcome.RequeueAfter) { Written = written, Error = outcome.Error };
    }

    /// <summary>revertOnDeletion: reverts the target (Terminating, then Terminated in the status), then lets the
    /// Canary go.</summary>
    public async Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        if (await reconciler.FinalizeAsync(obj, ct) is not { } outcome)
            return null;
        var written = await status.WriteAsync(obj, FluxJson.ToNode(outcome.Status), outcome.Events, Controller);
        if (outcome.RequeueAfter is { } lookAgain)
            return lookAgain;
        if (written is not null)
            await reconciler.ReleaseAsync(written, ct);
        return null;
    }
}
