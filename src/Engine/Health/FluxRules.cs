using System.Text.Json.Nodes;

namespace Tide.Engine.Health;

/// <summary>Flux's own kinds (sources, Kustomization, HelmRelease, ...) are healthy only when their controller has
/// observed the latest generation and says Ready=True. The generic rules have already turned Reconciling=True into
/// InProgress and Stalled=True into Failed; what is left is read from Ready.</summary>
internal static class FluxRules
{
    // Ready=False with these reasons means the controller is still working (or waiting on something that will come).
    private static readonly HashSet<string> ProgressingReasons =
        ["Progressing", "ProgressingWithRetry", "DependencyNotReady", "ReconciliationInProgress"];

    public static bool Applies(string group) => group.EndsWith(".toolkit.fluxcd.io", StringComparison.Ordinal);

    public static HealthResult Compute(JsonObject obj)
    {
        var kind = Kstatus.Kind(obj);
        // A HelmRepository of type oci is a static object in Flux (no status at all): it exists, so it is ready.
        if (kind == "HelmRepository" && (string?)obj["spec"]?["type"] == "oci")
            return HealthResult.Current("HelmRepository of type oci is static");
        if (obj.IntOrNull("status", "observedGeneration") is null)
            return HealthResult.InProgress($"{kind} status.observedGeneration not found");
        if (obj.Condition("Ready") is not { } ready)
            return HealthResult.InProgress($"{kind} has no Ready condition yet");
        if (ready.IsTrue) return HealthResult.Current(ready.Message);
        if (ready.IsFalse && !ProgressingReasons.Contains(ready.Reason)) return HealthResult.Failed(ready.Message);
        return HealthResult.InProgress(ready.Message);
    }
}
