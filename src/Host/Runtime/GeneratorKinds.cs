using Tide.Actors.Cluster;
using Tide.Actors.Handlers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Generators;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Host.Runtime;

/// <summary>The entity kinds of Flux's source-watcher: ArtifactGenerator (follows its sources, writes
/// ExternalArtifacts) and ExternalArtifact (relays the artifact its status names to its consumers).</summary>
public static class GeneratorKinds
{
    public static IReadOnlyList<EntityKind> Create(TideSettings settings, KubeClient kube, ArtifactStore store,
        ArtifactCache artifactCache, SourceReconcilerOptions sourceOptions, StatusWriter status, StageLimiter fetches)
    {
        var generators = new ArtifactGeneratorHandler(
            new ArtifactGeneratorReconciler(kube, artifactCache, store, new ArtifactGeneratorOptions
            {
                Sources = sourceOptions,
                FieldManager = settings.FieldManager,
                NoCrossNamespaceRefs = settings.NoCrossNamespaceRefs,
                DependencyRequeueInterval = settings.RequeueDependency,
            }, TimeProvider.System),
            status, fetches);
        return
        [
            new EntityKind(ArtifactGenerator.KindName, ArtifactGenerator.ApiVersionV1Beta1, IsSource: true, generators),
            EntityKind.Relay(ExternalArtifact.KindName, ExternalArtifact.ApiVersionV1),
        ];
    }
}
