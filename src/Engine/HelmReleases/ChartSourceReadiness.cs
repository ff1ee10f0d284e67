using System.Text.Json.Nodes;
using Tide.Engine.Api;

namespace Tide.Engine.HelmReleases;

/// <summary>helm-controller's isSourceReady for the object a HelmRelease takes its chart from.</summary>
internal static class ChartSourceReadiness
{
    /// <summary>Why a chart source is not ready, in helm-controller's words (null: it is): its latest generation not
    /// observed yet (the Ready message when Ready is False), stalled, or without an artifact. Kinds whose status has no
    /// observedGeneration (ExternalArtifact) are judged by their artifact alone.</summary>
    public static string? NotReady(JsonObject source)
    {
        var status = source["status"];
        var conditions = (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        string? Condition(string type, string field) => (string?)conditions.FirstOrDefault(c => (string?)c["type"] == type)?[field];
        var hasArtifact = status?["artifact"] is JsonObject;
        var observedGeneration = status?["observedGeneration"];
        var unobserved = observedGeneration is null ? !hasArtifact : (long?)observedGeneration != (long?)source["metadata"]?["generation"];
        if (unobserved)
            return Condition(ConditionTypes.Ready, "status") == ConditionStatus.False ? Condition(ConditionTypes.Ready, "message")
                : observedGeneration is null ? "does not have an artifact"
                : "latest generation of object has not been reconciled";
        if (Condition(ConditionTypes.Stalled, "status") == ConditionStatus.True)
            return Condition(ConditionTypes.Stalled, "message");
        return hasArtifact ? null : "does not have an artifact";
    }
}
