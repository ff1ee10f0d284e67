namespace Tide.Engine.Reconcilers;

/// <summary>A Kubernetes Event a reconciliation wants recorded on the object, with Flux's reason.</summary>
/// <param name="Type">"Normal" or "Warning".</param>
/// <param name="Annotations">Metadata Flux attaches for notifications (e.g. the revision and digest).</param>
public sealed record ReconcileEvent(string Type, string Reason, string Message, IReadOnlyDictionary<string, string>? Annotations = null)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
