using Akka.Configuration;
using Tide.Actors.Cluster;
using Tide.Actors.Handlers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Canaries;
using Tide.Engine.Kube;
using Tide.Engine.Notifications;
using Tide.Engine.Notifications.Providers;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Host.Logging;
using Tide.Host.Ui;
using k8s;
using Microsoft.Extensions.Logging;

namespace Tide.Host.Runtime;

/// <summary>
/// A running Tide node: its artifact HTTP endpoint, its cluster client, and its actor system with a shard region per
/// kind. The composition root shared by `tide run`, `tide up` and the end-to-end tests.
/// </summary>
public sealed class TideRuntime : IAsyncDisposable
{
    private readonly HttpEndpoint _artifactServer;
    private readonly HttpEndpoint _webhookServer;
    private readonly HttpEndpoint _metricsServer;
    private readonly UiServer? _uiServer;
    private readonly HttpClient _http;
    private readonly RemoteClusters _remoteClusters;

    private readonly NodeLease _lease;

    private readonly NotificationDispatcher _notifications;
    private readonly IReadOnlyList<StageLimiter> _stages;
    /// <summary>The logger factory the runtime made for itself (none was given); disposed with it.</summary>
    private ILoggerFactory? _ownLogging;

    private TideRuntime(HttpEndpoint artifactServer, HttpEndpoint webhookServer, HttpEndpoint metricsServer, UiServer? uiServer,
        HttpClient http, KubeClient kube, TideNode node, RemoteClusters remoteClusters, NotificationDispatcher notifications,
        IReadOnlyList<StageLimiter> stages)
    {
        _uiServer = uiServer;
        _remoteClusters = remoteClusters;
        _notifications = notifications;
        _stages = stages;
        _lease = NodeLease.Start(kube, node.Address.ToString(), new Uri(metricsServer.Url, "/logs").ToString());
        _artifactServer = artifactServer;
        _webhookServer = webhookServer;
        _metricsServer = metricsServer;
        _http = http;
        Kube = kube;
        Node = node;
    }

    public KubeClient Kube { get; }

    public TideNode Node { get; }

    public Uri ArtifactUrl => _artifactServer.Url;

    /// <summary>Where this node serves Receivers' webhooks (a Receiver's status.webhookPath is relative to it).</summary>
    public Uri WebhookUrl => _webhookServer.Url;

    /// <summary>Where this node serves /metrics.</summary>
    public Uri MetricsUrl => _metricsServer.Url;

    /// <summary>Where this node serves the web UI; null when tide.ui.enabled is off.</summary>
    public Uri? UiUrl => _uiServer?.Url;

    /// <param name="kubeconfigPath">The cluster's kubeconfig; null: in-cluster configuration inside a pod, else
    /// the default kubeconfig (KUBECONFIG or ~/.kube/config).</param>
    public static Task<TideRuntime> StartAsync(Config config, string? kubeconfigPath, Action<string>? progress,
        CancellationToken ct) => StartAsync(config, kubeconfigPath, progress, null, ct);

    /// <param name="logging">Where the node logs (Akka, entities, notifications); null: only into the node's own
    /// record buffer (served at /logs).</param>
    public static async Task<TideRuntime> StartAsync(Config config, string? kubeconfigPath, Action<string>? progress,
        ILoggerFactory? logging, CancellationToken ct)
    {
        var settings = TideSettings.From(config);
        // A contradictory tide.cluster fails the start before anything listens or talks to the cluster.
        _ = ClusterFormation.From(config);
        // The node's recent records, for `tide logs`: whatever the node writes to stdout, they are kept as JSON.
        var logBuffer = new LogBuffer();
        var ownLogging = logging is null ? LoggerFactory.Create(_ => { }) : null;
        logging ??= ownLogging!;
        logging.AddProvider(logBuffer.Provider);
        var say = progress;
        progress = line =>
        {
            say?.Invoke(line);
            logBuffer.Provider.Info("tide", line);
        };
        var storeDirectory = Path.GetFullPath(Path.Combine(settings.ArtifactsDirectory, "store"));
        // /readyz answers once the node (started last) is an Up member of its cluster.
        TideNode? started = null;
        var artifactServer = await ArtifactServer.StartAsync(storeDirectory, settings.ArtifactsHost, settings.ArtifactsPort,
            () => started is { } n && Akka.Cluster.Cluster.Get(n.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up, ct);
        var baseUrl = settings.AdvertiseUrl.Length > 0 ? settings.AdvertiseUrl : artifactServer.Url.ToString().TrimEnd('/');
        var kube = kubeconfigPath is not null ? KubeClient.FromKubeconfig(kubeconfigPath)
            : new KubeClient(KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig());
        await CrdInstaller.InstallMissingAsync(kube, ct);

        var http = new HttpClient(new MirroringHandler(settings.Mirrors, new SocketsHttpHandler())) { Timeout = TimeSpan.FromMinutes(5) };
        var fetches = new StageLimiter(settings.FetchWorkers, "fetch");
        var applies = new StageLimiter(settings.ApplyWorkers, "apply");
        var store = new ArtifactStore(storeDirectory, TimeProvider.System);
        var artifactCache = new ArtifactCache(Path.Combine(settings.ArtifactsDirectory, "cache"), http);
        var sourceOptions = new SourceReconcilerOptions
        {
            ArtifactBaseUrl = baseUrl,
            WorkDirectory = Path.GetFullPath(Path.Combine(settings.ArtifactsDirectory, "work")),
            ArtifactRetention = settings.ArtifactRetention,
            UnpackLimits = settings.UnpackLimits,
        };
        var remoteClusters = new RemoteClusters(settings.RemoteClusterLimits, TimeProvider.System);
        var secrets = new SecretReader(kube);
        var events = new EventRecorder(kube, TimeProvider.System);
        var notifications = new NotificationDispatcher(kube,
            new ProviderSender(kube, new NotificationHttp(settings.Notifications)), events, settings.Notifications, TimeProvider.System,
            logging.CreateLogger("notification-controller"),
            // The cluster's leader redelivers the outbox (read once the node started).
            () => started is { } n && Akka.Cluster.Cluster.Get(n.System) is var c && c.State.Leader == c.SelfAddress);
        var status = new StatusWriter(kube, settings.FieldManager, events, TimeProvider.System, progress, notifications);
        var gitReconciler = new GitRepositoryReconciler(
            new GitFetcher(Path.Combine(settings.ArtifactsDirectory, "git"), settings.AllowLocalSources, settings.Mirrors), store, sourceOptions, TimeProvider.System,
            async (ns, name, token) => await kube.GetAsync(new ObjectRef(GitRepository.ApiVersionV1, GitRepository.KindName, ns, name), token)
                is { } found ? FluxJson.FromNode<GitRepository>(found) : null,
            (artifact, token) => artifactCache.GetAsync(artifact.Url, artifact.Digest ?? "", token));
        var git = new SourceHandler<GitRepository, GitRepositoryStatus>(status, fetches,
            async (repository, token) =>
            {
                var ns = repository.Metadata.NamespaceProperty ?? "";
                var auth = await secrets.ReadAsync(ns, repository.Spec.SecretRef, null, token);
                var keys = await secrets.ReadAsync(ns, repository.Spec.Verification?.SecretRef, null, token);
                var proxy = await secrets.ReadAsync(ns, repository.Spec.ProxySecretRef, null, token);
                return await gitReconciler.ReconcileAsync(repository, auth with { Verification = keys.Auth, Proxy = proxy.Auth }, token);
            },
            gitStatus => gitStatus.Artifact, gitReconciler.DeleteAsync,
            UnexpectedFailure.Source(ConditionReasons.GitOperationFailed));
        var ociReconciler = new OciRepositoryReconciler(http, store, sourceOptions, TimeProvider.System);
        var oci = new SourceHandler<OciRepository, OciRepositoryStatus>(status, fetches,
            async (repository, token) =>
            {
                var ns = repository.Metadata.NamespaceProperty ?? "";
                var auth = await secrets.ReadAsync(ns, repository.Spec.SecretRef, repository.Spec.CertSecretRef, token);
                var keys = await secrets.ReadAsync(ns, repository.Spec.Verify?.SecretRef, null, token);
                return await ociReconciler.ReconcileAsync(repository, auth with { Verification = keys.Auth }, token);
            },
            ociStatus => ociStatus.Artifact,
            (repository, _) => { ociReconciler.Delete(repository); return Task.CompletedTask; },
            UnexpectedFailure.Source(OciRepository.PullFailedReason));
        // The clock also signs S3 requests (SigV4): it must be the real one.
        var bucketReconciler = new BucketReconciler(http, store, sourceOptions, TimeProvider.System);
        var buckets = new SourceHandler<Bucket, BucketStatus>(status, fetches,
            async (bucket, token) => await bucketReconciler.ReconcileAsync(bucket,
                await secrets.ReadAsync(bucket.Metadata.NamespaceProperty ?? "", bucket.Spec.SecretRef,
                    bucket.Spec.CertSecretRef, token), token),
            bucketStatus => bucketStatus.Artifact,
            (bucket, _) => { bucketReconciler.Delete(bucket); return Task.CompletedTask; },
            UnexpectedFailure.Source(Bucket.OperationFailedReason));
        var kustomizations = new KustomizationHandler(
            new KustomizationReconciler(kube, artifactCache,
                new KustomizationReconcilerOptions
                {
                    FieldManager = settings.FieldManager,
                    StrictSubstitution = settings.StrictSubstitution,
                    NoCrossNamespaceRefs = settings.NoCrossNamespaceRefs,
                    DefaultServiceAccount = settings.DefaultServiceAccount,
                    UnpackLimits = settings.UnpackLimits,
                    DependencyRequeueInterval = settings.RequeueDependency,
                }, remoteClusters),
            status, applies, progress, new ClusterBulkheads(settings.RemoteClusterWorkers));
        // Before the node joins: a port in use fails the start without leaving a cluster member behind.
        var webhookServer = await WebhookServer.StartAsync(new WebhookReceiver(kube, TimeProvider.System),
            settings.WebhooksHost, settings.WebhooksPort, progress, ct);
        var metricsServer = await MetricsServer.StartAsync(settings.MetricsHost, settings.MetricsPort, logBuffer, ct);
        var uiServer = settings.UiEnabled ? await UiServer.StartAsync(settings, kube, () => started, ct) : null;
        var node = await TideNode.StartAsync(config, kube,
        [
            new EntityKind(GitRepository.KindName, GitRepository.ApiVersionV1, IsSource: true, git),
            new EntityKind(OciRepository.KindName, OciRepository.ApiVersionV1, IsSource: true, oci),
            new EntityKind(Bucket.KindName, Bucket.ApiVersionV1, IsSource: true, buckets),
            new EntityKind(Kustomization.KindName, Kustomization.ApiVersionV1, IsSource: false, kustomizations),
            .. HelmKinds.Create(settings, kube, http, store, artifactCache, sourceOptions, secrets, status, fetches, applies, progress, remoteClusters),
            .. GeneratorKinds.Create(settings, kube, store, artifactCache, sourceOptions, status, fetches),
            // A Receiver publishes no artifact and has no subscribers: a source entity with nothing to publish.
            new EntityKind(Receiver.KindName, Receiver.ApiVersionV1, IsSource: true,
                new ReceiverHandler(new ReceiverReconciler(TimeProvider.System), secrets, status)),
            // A Canary steps on its own timer (its analysis interval) and publishes nothing either.
            new EntityKind(Canary.KindName, Canary.ApiVersionV1Beta1, IsSource: true,
                new CanaryHandler(new CanaryReconciler(kube, http, settings.Canary, TimeProvider.System),
                    new CanaryAlerts(kube, http), status)),
        ], progress, logging, ct, remoteClusters);
        started = node;
        return new TideRuntime(artifactServer, webhookServer, metricsServer, uiServer, http, kube, node, remoteClusters,
            notifications, [fetches, applies])
        {
            _ownLogging = ownLogging,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _lease.DisposeAsync();
        if (_uiServer is not null)
            await _uiServer.DisposeAsync();
        await _metricsServer.DisposeAsync();
        await _webhookServer.DisposeAsync();
        await Node.DisposeAsync();
        await _notifications.DisposeAsync();
        foreach (var stage in _stages)
            stage.Dispose();
        _ownLogging?.Dispose();
        await _artifactServer.DisposeAsync();
        _http.Dispose();
        _remoteClusters.Dispose();
        Kube.Dispose();
    }
}
