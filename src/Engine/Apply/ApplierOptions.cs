namespace Tide.Engine.Apply;

/// <summary>How a set of objects is applied.</summary>
public sealed record ApplierOptions
{
    public string FieldManager { get; init; } = "tide";
    /// <summary>Labels stamped on every applied object (kustomize.toolkit.fluxcd.io/name and /namespace).</summary>
    public IReadOnlyDictionary<string, string> OwnerLabels { get; init; } = new Dictionary<string, string>();
    /// <summary>Recreate objects whose immutable fields changed (spec.force), instead of failing.</summary>
    public bool Force { get; init; }

    /// <summary>How long to wait for CRDs applied in the first stage to become Established.</summary>
    public TimeSpan CrdEstablishTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
