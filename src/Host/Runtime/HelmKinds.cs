using Tide.Actors.Cluster;
using Tide.Actors.Handlers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.HelmReleases;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Host.Runtime;

/// <summary>The entity kinds of Helm: HelmRepository and HelmChart (sources) and HelmRelease (a consumer of its
/// HelmChart), wired to their reconcilers.</summary>
public static class HelmKinds
{
    public static IReadOnlyList<EntityKind> Create(TideSettings settings, KubeClient kube, HttpClient http, ArtifactStore store,
        ArtifactCache artifactCache, SourceReconcilerOptions sourceOptions, SecretReader secrets, StatusWriter status,
        StageLimiter fetches, StageLimiter applies, Action<string>? progress, RemoteClusters clusters)
    {
        var repositoryReconciler = new HelmRepositoryReconciler(http, store, sourceOptions, TimeProvider.System);
        var repositories = new SourceHandler<HelmRepository, HelmRepositoryStatus>(status, fetches,
            async (repository, token) => await repositoryReconciler.ReconcileAsync(repository,
                await secrets.ReadAsync(repository.Metadata.NamespaceProperty ?? "", repository.Spec.SecretRef, repository.Spec.CertSecretRef, token), token),
            repositoryStatus => repositoryStatus.Artifact,
            (repository, _) => { repositoryReconciler.Delete(repository); return Task.CompletedTask; },
            UnexpectedFailure.Source(ConditionReasons.Failed));

        var chartReconciler = new HelmChartReconciler(http, store, sourceOptions, TimeProvider.System, new HelmChartReconciler.Sources(
            async (ns, name, token) => await kube.GetAsync(new ObjectRef(HelmRepository.ApiVersionV1, HelmRepository.KindName, ns, name), token)
                is { } found ? FluxJson.FromNode<HelmRepository>(found) : null,
            (repository, token) => secrets.ReadAsync(repository.Metadata.NamespaceProperty ?? "", repository.Spec.SecretRef, repository.Spec.CertSecretRef, token),
            async (kind, ns, name, token) => await kube.GetAsync(new ObjectRef(HelmChart.ApiVersionV1, kind, ns, name), token)
                is { } found && found["status"]?["artifact"] is { } artifact ? FluxJson.FromNode<Artifact>(artifact) : null,
            (artifact, token) => artifactCache.GetTreeAsync(artifact.Url, artifact.Digest, settings.UnpackLimits, token),
            (artifact, token) => artifactCache.GetAsync(artifact.Url, artifact.Digest, token),
            async (ns, token) => (await kube.ListAsync(HelmRepository.ApiVersionV1, HelmRepository.KindName, ns, null, token)).Items
                .Select(FluxJson.FromNode<HelmRepository>).ToList(),
            async (chart, token) => (await secrets.ReadAsync(chart.Metadata.NamespaceProperty ?? "", chart.Spec.Verify?.SecretRef, null, token)).Auth));
        var charts = new SourceHandler<HelmChart, HelmChartStatus>(status, fetches, chartReconciler.ReconcileAsync,
            chartStatus => chartStatus.Artifact,
            (chart, _) => { chartReconciler.Delete(chart); return Task.CompletedTask; },
            UnexpectedFailure.Source(HelmChartReconciler.ChartPullErrorReason));

        var releases = new HelmReleaseHandler(
            new HelmReleaseReconciler(kube, artifactCache, new HelmReleaseReconcilerOptions
            {
                FieldManager = settings.FieldManager,
                UnpackLimits = settings.UnpackLimits,
                DefaultServiceAccount = settings.DefaultServiceAccount,
                NoCrossNamespaceRefs = settings.NoCrossNamespaceRefs,
                Clusters = clusters,
            }),
            status, applies, progress);

        return
        [
            new EntityKind(HelmRepository.KindName, HelmRepository.ApiVersionV1, IsSource: true, repositories),
            new EntityKind(HelmChart.KindName, HelmChart.ApiVersionV1, IsSource: true, charts),
            new EntityKind(HelmRelease.KindName, HelmRelease.ApiVersionV2, IsSource: false, releases),
        ];
    }
}
