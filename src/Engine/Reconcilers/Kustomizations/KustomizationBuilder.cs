using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Decryption;
using Tide.Engine.Kube;
using Tide.Engine.Kustomize;
using Tide.Engine.Manifests;
using Tide.Engine.Substitution;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>
/// From a Kustomization and its source's artifact to the objects to apply: the artifact (from the message, else the
/// source's status), the path built in memory (with Flux's overlay), SOPS decryption and postBuild substitution.
/// Fails with ArtifactFailed or BuildFailed; nothing here changes the cluster.
/// </summary>
public sealed class KustomizationBuilder(KubeClient kube, ArtifactCache artifacts, KustomizationReconcilerOptions options)
{
    /// <summary>The meter of <see cref="BuildsCounterName"/>, for whoever measures a node (tide-bench).</summary>
    public const string MeterName = "Tide.Engine.Kustomizations";

    /// <summary>Counts builds: each one that got its artifact and starts the kustomize build.</summary>
    public const string BuildsCounterName = "tide.kustomization.builds";

    private static readonly Counter<long> Builds = new Meter(MeterName).CreateCounter<long>(BuildsCounterName);

    /// <summary>The source artifact to build: <paramref name="artifact"/> when a message brought it, else the one the
    /// source's status names.</summary>
    public async Task<ArtifactLocation> RequireArtifactAsync(Kustomization ks, ArtifactLocation? artifact, CancellationToken ct)
    {
        var reference = ks.Spec.SourceRef;
        if (!CrossNamespaceSourceReference.ServedKinds.Contains(reference.Kind))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"source '{reference.Name}' kind '{reference.Kind}' is not supported: sourceRef.kind must be one of " +
                string.Join(", ", CrossNamespaceSourceReference.ServedKinds), terminal: true);
        if (options.NoCrossNamespaceRefs && reference.Namespace is { Length: > 0 } refNamespace && refNamespace != ks.Metadata.NamespaceProperty)
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"cannot access {reference.Kind}/{refNamespace}/{reference.Name}: cross-namespace references are not allowed on this cluster (tide.no-cross-namespace-refs)",
                terminal: true);
        if (artifact is not null)
            return artifact;
        var sourceNamespace = reference.Namespace ?? ks.Metadata.NamespaceProperty ?? "";
        var sourceRef = new ObjectRef(reference.ApiVersion ?? "source.toolkit.fluxcd.io/v1", reference.Kind, sourceNamespace, reference.Name);
        // No message brought the artifact yet (a new Kustomization, or its source entity is moving): the source's
        // status names it, as Flux reads it.
        var found = await kube.GetAsync(sourceRef, ct);
        if (found?["status"]?["artifact"] is JsonObject stored
            && stored["revision"]?.GetValue<string>() is { } revision && stored["digest"]?.GetValue<string>() is { } digest
            && stored["url"]?.GetValue<string>() is { } url)
            return new ArtifactLocation(revision, digest, url);
        // As Flux: a source that has no artifact yet is waited for like a dependency; a missing one is a failure.
        throw found is not null
            ? new ReconcileFailure(ConditionReasons.ArtifactFailed, "Source is not ready, artifact not found") { WaitsOnDependency = true }
            : new ReconcileFailure(ConditionReasons.ArtifactFailed, $"Source '{reference.Kind}/{sourceNamespace}/{reference.Name}' not found");
    }

    /// <summary>The objects of <paramref name="source"/>'s path, decrypted and substituted.</summary>
    public async Task<IReadOnlyList<JsonObject>> BuildAsync(Kustomization ks, ArtifactLocation source, CancellationToken ct)
    {
        var decryptor = await DecryptorAsync(ks, ct);
        var built = await BuildPathAsync(ks, source, decryptor, ct);
        return await SubstituteAsync(kube, ks, Decrypt(built, decryptor), options.StrictSubstitution, ct);
    }

    /// <summary>Builds from the artifact unpacked in memory (shared with every Kustomization of the same revision);
    /// the overlay and decrypted inputs go to this build's own copy-on-write view of it.</summary>
    private async Task<IReadOnlyList<JsonObject>> BuildPathAsync(Kustomization ks, ArtifactLocation source,
        SopsDecryptor? decryptor, CancellationToken ct)
    {
        var relative = ks.Spec.Path is { Length: > 0 } p ? p : "./";
        if (LeavesRoot(relative))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed, $"path '{relative}' leaves the artifact's root", terminal: true);
        var tree = await artifacts.GetTreeAsync(source.Url, source.Digest, options.UnpackLimits, ct);
        Builds.Add(1);
        const string root = "/";
        var path = tree.Normalize(root + relative);
        if (!tree.DirectoryExists(path))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"kustomization path not found: '{relative}' does not exist in revision {source.Revision}");
        var files = new CopyOnWriteFileTree(tree);
        if (decryptor is not null)
            KustomizationInputs.Decrypt(files, root, decryptor);
        return ManifestBuilder.Build(files, path, FluxOverlay.From(ks.Spec), loadBoundary: root);
    }

    /// <summary>Whether a path (taken as relative to the artifact's root, a leading '/' included) climbs above it.</summary>
    public static bool LeavesRoot(string relative)
    {
        var depth = 0;
        foreach (var segment in relative.Replace('\\', '/').Split('/'))
        {
            if (segment == "..")
            {
                if (--depth < 0)
                    return true;
            }
            else if (segment is not ("" or "."))
                depth++;
        }
        return false;
    }

    /// <summary>The decryptor of <c>spec.decryption</c> (keys from its secretRef), or null without decryption.</summary>
    private async Task<SopsDecryptor?> DecryptorAsync(Kustomization ks, CancellationToken ct)
    {
        if (ks.Spec.Decryption is not { } decryption)
            return null;
        var keys = Array.Empty<(string, byte[])>().AsEnumerable();
        if (decryption.SecretRef is { } secretRef)
        {
            var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ks.Metadata.NamespaceProperty ?? "", secretRef.Name), ct)
                ?? throw new ReconcileFailure(ConditionReasons.BuildFailed,
                    $"cannot get decryption Secret '{ks.Metadata.NamespaceProperty}/{secretRef.Name}': not found");
            keys = SopsDecryptor.KeyFilesOf(secret);
        }
        return SopsDecryptor.Create(keys);
    }

    /// <summary>
    /// SOPS-encrypted resources (and Secrets whose data entries are SOPS documents) decrypted; without
    /// <c>spec.decryption</c> an encrypted resource is an error, never applied.
    /// </summary>
    public static IReadOnlyList<JsonObject> Decrypt(IReadOnlyList<JsonObject> objects, SopsDecryptor? decryptor)
    {
        if (decryptor is not null)
            return objects.Select(decryptor.DecryptDocument).ToList();
        if (objects.FirstOrDefault(o => SopsDecryptor.IsEncrypted(o) && !SopsDecryptor.IsDecryptionDisabled(o)) is { } encrypted)
            throw new ReconcileFailure(ConditionReasons.BuildFailed,
                $"{ObjectRef.Of(encrypted)} is SOPS-encrypted: set spec.decryption (provider: sops) with a secretRef holding the keys",
                terminal: true);
        return objects;
    }

    /// <summary>Flux's postBuild: variables from substitute and substituteFrom (ConfigMaps and Secrets of the
    /// Kustomization's namespace) expanded in every object that does not opt out. Also `tide build` and `tide diff`'s.</summary>
    public static async Task<IReadOnlyList<JsonObject>> SubstituteAsync(KubeClient kube, Kustomization ks,
        IReadOnlyList<JsonObject> objects, bool strict, CancellationToken ct)
    {
        if (ks.Spec.PostBuild is not { } postBuild)
            return objects;
        var fetched = new List<JsonObject>();
        foreach (var reference in postBuild.SubstituteFrom ?? [])
        {
            if (await kube.GetAsync(new ObjectRef("v1", reference.Kind, ks.Metadata.NamespaceProperty ?? "", reference.Name), ct) is { } found)
                fetched.Add(found);
        }
        var variables = PostBuildVariables.Resolve(postBuild, fetched);
        return PostBuildSubstitution.Apply(objects, variables, SubstitutionOptions.For(postBuild, strict));
    }
}
