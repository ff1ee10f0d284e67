using System.CommandLine;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Kustomize;
using Tide.Engine.Manifests;
using Tide.Engine.Reconcilers.Kustomizations;
using Tide.Engine.Substitution;

namespace Tide.Host.Cli;

/// <summary>
/// What `tide build kustomization` and `tide diff kustomization` share: a Kustomization read from the cluster, its
/// path replaced by a local directory, built as the controller builds it (Flux's overlay, postBuild substitution
/// with substituteFrom read from the cluster, the owner labels).
/// </summary>
public static class LocalBuild
{
    public static Argument<string> NameArgument() => new("NAME") { Description = "The Kustomization's name." };

    public static Option<DirectoryInfo> PathOption() => new("--path")
    {
        Description = "Local directory to build in place of the Kustomization's path.",
        Required = true,
    };

    public static async Task<(Kustomization Kustomization, IReadOnlyList<JsonObject> Objects)> BuildAsync(KubeClient kube,
        string ns, string name, DirectoryInfo path, CancellationToken ct)
    {
        if (!path.Exists)
            throw new CliException($"invalid --path '{path.FullName}': not a directory");
        var obj = await FluxObjects.GetAsync(kube, FluxKind.Kustomization, ns, name, ct);
        var ks = FluxJson.FromNode<Kustomization>(obj);
        try
        {
            // The overlay is written into the build's own copy-on-write view: the user's directory stays untouched.
            var files = new CopyOnWriteFileTree(DiskFileSystem.Instance);
            var objects = ManifestBuilder.Build(files, path.FullName, FluxOverlay.From(ks.Spec), loadBoundary: path.FullName);
            objects = await KustomizationBuilder.SubstituteAsync(kube, ks, objects, strict: false, ct);
            foreach (var each in objects)
            {
                var metadata = each["metadata"] as JsonObject ?? (JsonObject)(each["metadata"] = new JsonObject());
                var labels = metadata["labels"] as JsonObject ?? (JsonObject)(metadata["labels"] = new JsonObject());
                labels[KustomizationApplier.NameLabel] = name;
                labels[KustomizationApplier.NamespaceLabel] = ns;
            }
            return (ks, objects);
        }
        catch (Exception e) when (e is KustomizeException or ManifestException or SubstitutionException or IOException)
        {
            throw new CliException($"build failed: {e.Message}");
        }
    }
}
