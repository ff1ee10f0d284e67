namespace Tide.Engine.Reconcilers;

/// <summary>Settings shared by the OCIRepository and Bucket reconcilers (the same as the GitRepository ones).</summary>
public sealed record SourceReconcilerOptions
{
    /// <summary>Where this node serves its artifact store, e.g. "http://10.0.0.5:9090"; artifact URLs are this plus
    /// the artifact's path.</summary>
    public required string ArtifactBaseUrl { get; init; }

    /// <summary>Which superseded artifacts a source keeps (Flux's defaults: 2 records, 60 s).</summary>
    public Artifacts.ArtifactRetention ArtifactRetention { get; init; } = Artifacts.ArtifactRetention.Default;

    /// <summary>Where fetched content is unpacked before packing; the system temp directory when null.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Limits for unpacking fetched archives (OCI layers, bucket objects, included artifacts).</summary>
    public Artifacts.UnpackLimits UnpackLimits { get; init; } = Artifacts.UnpackLimits.Default;

    public string ArtifactUrl(string path) => $"{ArtifactBaseUrl.TrimEnd('/')}/{path}";

    /// <summary>A fresh directory under <see cref="WorkDirectory"/> for one fetch.</summary>
    public string NewWorkDirectory(string prefix)
    {
        var root = WorkDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(root);
        return Path.Combine(root, $"{prefix}-{Guid.NewGuid():N}");
    }
}
