using System.Text;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Helm;
using Tide.Engine.Sources.Oci;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a HelmChart as source-controller does: pick the chart version from its HelmRepository (the index
/// artifact for type default, the registry's tags for type oci) with Helm's semver rules, download the packaged chart
/// (or package the chart directory of a GitRepository or Bucket artifact), merge spec.valuesFiles into its values.yaml,
/// and store the .tgz as the artifact, its revision the chart version.
/// </summary>
public sealed partial class HelmChartReconciler(
    HttpClient http,
    ArtifactStore store,
    SourceReconcilerOptions options,
    TimeProvider time,
    HelmChartReconciler.Sources sources)
{
    /// <summary>How the reconciler reaches what a HelmChart refers to.</summary>
    /// <param name="GetRepository">A HelmRepository by namespace and name (null: not found).</param>
    /// <param name="SecretsOf">The Secrets (secretRef, certSecretRef) of a HelmRepository.</param>
    /// <param name="GetSourceArtifact">The artifact of a GitRepository or Bucket (kind, namespace, name; null: none yet).</param>
    /// <param name="GetTree">A source artifact unpacked (cached by digest).</param>
    /// <param name="GetFile">A local copy of an artifact's file (the index), verified by digest.</param>
    /// <param name="ListRepositories">The HelmRepositories of a namespace (those a chart's dependencies may name).</param>
    /// <param name="VerificationKeys">The data of a HelmChart's spec.verify.secretRef (null: none, or not found).</param>
    public sealed record Sources(
        Func<string, string, CancellationToken, Task<HelmRepository?>> GetRepository,
        Func<HelmRepository, CancellationToken, Task<ReferencedSecrets>> SecretsOf,
        Func<string, string, string, CancellationToken, Task<Artifact?>> GetSourceArtifact,
        Func<ArtifactLocation, CancellationToken, Task<ArchiveTree>> GetTree,
        Func<ArtifactLocation, CancellationToken, Task<string>> GetFile,
        Func<string, CancellationToken, Task<IReadOnlyList<HelmRepository>>> ListRepositories,
        Func<HelmChart, CancellationToken, Task<IReadOnlyDictionary<string, byte[]>?>> VerificationKeys);

    // source-controller's chart build error reasons and their summaries (internal/helm/chart/errors.go).
    private static readonly (string Reason, string Summary) ChartReference = ("InvalidChartReference", "invalid chart reference");
    public const string ChartPullErrorReason = "ChartPullError";
    private static readonly (string Reason, string Summary) ChartPull = (ChartPullErrorReason, "chart pull error");
    private static readonly (string Reason, string Summary) ValuesFilesMerge = ("ValuesFilesError", "values files merge error");
    private static readonly (string Reason, string Summary) ChartPackage = ("ChartPackageError", "chart package error");
    private static readonly (string Reason, string Summary) ChartVerification = ("ChartVerificationError", "chart verification error");
    private static readonly HashSet<string> BuildReasons =
        [ChartReference.Reason, ChartPull.Reason, ValuesFilesMerge.Reason, ChartPackage.Reason, DependencyBuild.Reason, ChartVerification.Reason];

    private const string HelmChartLayerMediaType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    private const string NoSourceArtifactReason = "NoSourceArtifact";
    private const string SourceUnavailableReason = "SourceUnavailable";

    private readonly IndexCache _indexes = new();

    public async Task<ReconcileResult<HelmChartStatus>> ReconcileAsync(HelmChart chart, CancellationToken cancellationToken)
    {
        var previous = chart.Status ?? new HelmChartStatus();
        if (chart.Spec.Suspend == true)
            return new ReconcileResult<HelmChartStatus>(previous, [], Requeue.OnChange);
        var spec = chart.Spec;
        var generation = chart.Metadata.Generation ?? 0;
        var conditions = new ConditionSet(previous.Conditions, generation, time);
        var events = new List<ReconcileEvent>();
        var status = previous with { LastHandledReconcileAt = LastHandledReconcileAt(chart.Metadata, previous.LastHandledReconcileAt) };
        var progress = "reconciliation in progress";
        SourcePipeline.MarkProgressing(conditions, progress, drift: false);
        try
        {
            (var artifact, progress) = await new SourcePipeline(store, options, time)
                .CheckStoredArtifactAsync(previous.Artifact, progress, conditions, events, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(1));
            var built = await BuildAsync(chart, artifact, timeout.Token, cancellationToken);
            conditions.Delete(ConditionTypes.FetchFailed);
            conditions.Delete(ConditionTypes.BuildFailed);
            if (built.Stored is { } stored)
            {
                if (artifact is not null)
                    conditions.MarkTrue(ConditionTypes.ArtifactOutdated, ConditionReasons.NewRevision, $"new chart version '{built.Version}'");
                artifact = stored;
                events.Add(new ReconcileEvent(ReconcileEvent.Normal, built.Reason, built.Summary, ArtifactAnnotations(stored)));
            }
            else if (HelmSourceSteps.HadFailure(previous.Conditions) || previous.Conditions?.Any(c => c.Type == ConditionTypes.BuildFailed) == true)
            {
                events.Add(new ReconcileEvent(ReconcileEvent.Normal, built.Reason, built.Summary));
            }
            store.CollectGarbage(Owner(chart), options.ArtifactRetention, artifact!.Path);
            if (spec.Verify is null)
                conditions.Delete(ConditionTypes.SourceVerified);
            else
                conditions.MarkTrue(ConditionTypes.SourceVerified, ConditionReasons.Succeeded, $"verified signature of version {built.Version}");
            SourcePipeline.MarkReady(conditions, built.Summary);
            conditions.MarkTrue(ConditionTypes.Ready, built.Reason, built.Summary);
            artifact = artifact with { Url = options.ArtifactUrl(artifact.Path) };
            status = status with
            {
                Artifact = artifact,
                Url = artifact.Url,
                ObservedGeneration = generation,
                ObservedChartName = spec.Chart,
                ObservedSourceArtifactRevision = built.SourceRevision,
                ObservedValuesFiles = spec.ValuesFiles is { Count: > 0 } files ? files : null,
                Conditions = conditions.ToList(),
            };
            return new ReconcileResult<HelmChartStatus>(status, events, Requeue.AfterInterval(spec.Interval.Value));
        }
        catch (ReconcileFailure failure)
        {
            var requeue = HelmSourceSteps.MarkFailed(conditions, failure, progress, events, spec.Interval.Value);
            if (BuildReasons.Contains(failure.Reason))
            {
                conditions.Delete(ConditionTypes.FetchFailed);
                conditions.MarkTrue(ConditionTypes.BuildFailed, failure.Reason, failure.Message);
            }
            if (failure.Reason is ConditionReasons.VerificationError || failure.Reason == ChartVerification.Reason)
                conditions.MarkFalse(ConditionTypes.SourceVerified, ConditionReasons.VerificationError, failure.Message);
            if (failure.Terminal)
                status = status with { ObservedGeneration = generation };
            return new ReconcileResult<HelmChartStatus>(status with { Conditions = conditions.ToList() }, events, requeue);
        }
    }

    /// <summary>Cleans up after a deleted HelmChart: its artifacts.</summary>
    public void Delete(HelmChart chart) => store.DeleteAll(Owner(chart));

    private static ArtifactOwner Owner(HelmChart chart) =>
        new(HelmChart.KindName, chart.Metadata.NamespaceProperty ?? "default", chart.Metadata.Name);

    /// <summary>What a build did: the chart version, the source revision it came from, and the new artifact (null: the
    /// stored one is still right).</summary>
    private sealed record Build(string Version, string SourceRevision, Artifact? Stored, string Reason, string Summary);

    private async Task<Build> BuildAsync(HelmChart chart, Artifact? current, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var ns = chart.Metadata.NamespaceProperty ?? "default";
        var source = chart.Spec.SourceRef;
        try
        {
            if (source.Kind == HelmRepository.KindName)
            {
                var repository = await sources.GetRepository(ns, source.Name, timeout)
                    ?? throw new ReconcileFailure(SourceUnavailableReason,
                        $"failed to get source: HelmRepository.source.toolkit.fluxcd.io \"{source.Name}\" not found");
                RefuseUnverifiable(chart, repository.Spec.IsOci());
                return repository.Spec.IsOci()
                    ? await PullFromRegistryAsync(chart, repository, current, timeout)
                    : await PullFromIndexAsync(chart, repository, current, timeout);
            }
            RefuseUnverifiable(chart, oci: false);
            return await PackageFromSourceAsync(chart, ns, current, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ChartPull, "timed out after 1m0s");
        }
    }

    private async Task<Build> PullFromIndexAsync(HelmChart chart, HelmRepository repository, Artifact? current, CancellationToken ct)
    {
        if (repository.Status?.Artifact is not { } indexArtifact)
            throw new ReconcileFailure(NoSourceArtifactReason, $"no artifact available for HelmRepository source '{repository.Metadata.Name}'");
        var pulled = await PullChartFromIndexAsync(repository, chart.Spec.Chart, chart.Spec.GetVersion(), v => UpToDate(chart, current, v), ct);
        if (pulled.Tgz is null)
            return new Build(pulled.Version, indexArtifact.Revision, null, HelmChart.ChartPullSucceededReason, PulledSummary(chart, pulled.Version));
        return await StoreAsync(chart, pulled.Version, indexArtifact.Revision, pulled.Tgz, ct);
    }

    /// <summary>A chart version pulled from a repository: its version, the revision it was picked from, and the
    /// package (null when the caller's artifact already holds that version).</summary>
    private sealed record Pulled(string Version, string Revision, byte[]? Tgz);

    /// <summary>The highest version of <paramref name="name"/> matching <paramref name="range"/> in the repository's
    /// index (the stored artifact's, parsed once per node; without one, downloaded now), downloaded with the
    /// repository's credentials.</summary>
    private async Task<Pulled> PullChartFromIndexAsync(HelmRepository repository, string name, string range, Func<string, bool> upToDate,
        CancellationToken ct)
    {
        HelmIndex index;
        string revision;
        if (repository.Status?.Artifact is { } indexArtifact)
        {
            revision = indexArtifact.Revision;
            index = await _indexes.GetAsync(indexArtifact, async () =>
            {
                var file = await sources.GetFile(new ArtifactLocation(indexArtifact.Revision, indexArtifact.Digest, indexArtifact.Url), ct);
                return HelmIndex.Parse(await File.ReadAllTextAsync(file, ct));
            });
        }
        else
        {
            try
            {
                var downloaded = await WithClientAsync(repository, client => client.DownloadIndexAsync(ct), ct);
                revision = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(downloaded));
                index = HelmIndex.Parse(Encoding.UTF8.GetString(downloaded));
            }
            catch (Exception e) when (e is SourceFetchException or FormatException)
            {
                throw Failure(ChartPull, e.Message);
            }
        }
        ChartVersionEntry entry;
        try
        {
            entry = index.Select(name, range);
        }
        catch (SourceFetchException e)
        {
            throw Failure(ChartReference, $"failed to get chart version for remote reference: {e.Message}", e.Terminal);
        }
        if (upToDate(entry.Version))
            return new Pulled(entry.Version, revision, null);
        try
        {
            return new Pulled(entry.Version, revision, await WithClientAsync(repository, client => client.DownloadChartAsync(entry, ct), ct));
        }
        catch (SourceFetchException e)
        {
            throw Failure(ChartPull, e.Message);
        }
    }

    /// <summary>Runs <paramref name="download"/> with a client of the repository, its credentials and TLS settings read
    /// only now (a chart that is up to date reads no Secret).</summary>
    private async Task<byte[]> WithClientAsync(HelmRepository repository, Func<HelmRepositoryClient, Task<byte[]>> download, CancellationToken ct)
    {
        var secrets = await sources.SecretsOf(repository, ct);
        using var tlsHttp = TlsClient(repository.Spec.CertSecretRef, repository.Metadata, secrets.Cert);
        return await download(new HelmRepositoryClient(tlsHttp ?? http, repository.Spec.Url, HelmRepositoryReconciler.Credentials(repository, secrets.Auth)));
    }

    private async Task<Build> PullFromRegistryAsync(HelmChart chart, HelmRepository repository, Artifact? current, CancellationToken ct)
    {
        var pulled = await PullChartFromRegistryAsync(repository, chart.Spec.Chart, chart.Spec.GetVersion(), v => UpToDate(chart, current, v), chart, ct);
        if (pulled.Tgz is null)
            return new Build(pulled.Version, pulled.Revision, null, HelmChart.ChartPullSucceededReason, PulledSummary(chart, pulled.Version));
        return await StoreAsync(chart, pulled.Version, pulled.Revision, pulled.Tgz, ct);
    }

    /// <summary>A chart as `helm push` stores it in a registry: the tag of an exact version, else the highest tag in
    /// the range; its chart layer. With <paramref name="verifyFor"/>'s spec.verify, its cosign signature is verified on
    /// every pull, as source-controller does, before anything is downloaded.</summary>
    private async Task<Pulled> PullChartFromRegistryAsync(HelmRepository repository, string name, string version, Func<string, bool> upToDate,
        HelmChart? verifyFor, CancellationToken ct)
    {
        var url = repository.Spec.Url.TrimEnd('/') + "/" + name;
        OciReference reference;
        try
        {
            reference = OciReference.Parse(url);
        }
        catch (FormatException e)
        {
            throw new ReconcileFailure(ConditionReasons.UrlInvalid, $"invalid OCI registry URL '{url}': {e.Message}", terminal: true, e);
        }
        var secrets = await sources.SecretsOf(repository, ct);
        OciCredentials? credentials = null;
        if (secrets.Auth is { } auth)
            credentials = auth.TryGetValue(".dockerconfigjson", out var config)
                ? OciCredentials.FromDockerConfigJson(Encoding.UTF8.GetString(config), reference.Registry)
                : auth.TryGetValue("username", out var user) && auth.TryGetValue("password", out var password)
                    ? new OciCredentials(Encoding.UTF8.GetString(user), Encoding.UTF8.GetString(password)) : null;
        using var tlsHttp = TlsClient(repository.Spec.CertSecretRef, repository.Metadata, secrets.Cert);
        var client = new OciClient(tlsHttp ?? http, reference.Registry, repository.Spec.Insecure == true, credentials);
        OciResolution resolution;
        try
        {
            // An exact version is a tag; a range picks among the registry's tags (Helm writes '+' as '_' in tags).
            resolution = await OciArtifactFetcher.ResolveAsync(client, reference,
                GoCompat.SemanticVersion.TryParse(version, out _) ? new OciRepositoryRef { Tag = version.Replace('+', '_') } : new OciRepositoryRef { Semver = version }, ct);
        }
        catch (SourceFetchException e)
        {
            throw Failure(ChartReference, $"failed to get chart version for remote reference: {e.Message}");
        }
        var chartVersion = (resolution.Tag ?? version).Replace('_', '+');
        if (verifyFor?.Spec.Verify is { } verify)
            await VerifyAsync(verifyFor, verify, client, reference, resolution, ct);
        if (upToDate(chartVersion))
            return new Pulled(chartVersion, resolution.Revision, null);
        using var buffer = new MemoryStream();
        try
        {
            var layer = OciArtifactFetcher.SelectLayer(resolution.Manifest, HelmChartLayerMediaType);
            await OciArtifactFetcher.DownloadLayerAsync(client, reference, layer, buffer, ct);
        }
        catch (SourceFetchException e)
        {
            throw Failure(ChartPull, e.Message);
        }
        return new Pulled(chartVersion, resolution.Revision, buffer.ToArray());
    }

    /// <summary>spec.verify can only be honoured for charts in an OCI registry, where their signatures live: for any
    /// other source it is refused (source-controller answers 'not implemented' for HTTP repositories and ignores it for
    /// Git and Bucket; Tide never lets a chart that was asked to be verified pass unverified).</summary>
    private static void RefuseUnverifiable(HelmChart chart, bool oci)
    {
        if (chart.Spec.Verify is not null && !oci)
            throw Failure(ChartVerification, $"not implemented: spec.verify is supported only for charts from a HelmRepository of type 'oci', " +
                $"not from {chart.Spec.SourceRef.Kind} '{chart.Spec.SourceRef.Name}'", terminal: true);
    }

    private async Task VerifyAsync(HelmChart chart, OciRepositoryVerification verify, OciClient client, OciReference reference,
        OciResolution resolution, CancellationToken ct)
    {
        var verifier = CosignKeyVerification.Create(verify, chart.Metadata, await sources.VerificationKeys(chart, ct));
        // The reference as go-containerregistry names it, as in Flux's message.
        var name = $"{reference.Registry}/{reference.Repository}" + (resolution.Tag is { } tag ? ":" + tag : "@" + resolution.Manifest.Digest);
        bool verified;
        try
        {
            verified = await verifier.VerifyAsync(client, reference.Repository, resolution.Manifest.Digest, ct);
        }
        catch (Exception e) when (e is OciException or FormatException or System.Text.Json.JsonException)
        {
            throw Failure(ChartVerification, $"failed to verify {name}: {e.Message}");
        }
        if (!verified)
            throw Failure(ChartVerification, $"no matching signatures were found for '{name}'");
    }

    /// <summary>A chart directory of a GitRepository or Bucket artifact, packaged; with reconcileStrategy Revision its
    /// version gets Flux's '+&lt;first 12 hex of the source digest&gt;' suffix.</summary>
    private async Task<Build> PackageFromSourceAsync(HelmChart chart, string ns, Artifact? current, CancellationToken ct)
    {
        var source = chart.Spec.SourceRef;
        var artifact = await sources.GetSourceArtifact(source.Kind, ns, source.Name, ct)
            ?? throw new ReconcileFailure(NoSourceArtifactReason, $"no artifact available for {source.Kind} source '{source.Name}'");
        var tree = await sources.GetTree(new ArtifactLocation(artifact.Revision, artifact.Digest, artifact.Url), ct);
        var path = "/" + chart.Spec.Chart.TrimStart('.', '/');
        if (!tree.DirectoryExists(path) || !tree.FileExists(path + "/Chart.yaml"))
            throw Failure(ChartPackage, $"path '{chart.Spec.Chart}' does not exist or is not a chart directory in {source.Kind} artifact revision '{artifact.Revision}'", terminal: true);
        var files = ChartArchive.FilesOf(tree, path);
        var loaded = Load(files);
        var version = loaded.Metadata.Version;
        if (chart.Spec.GetReconcileStrategy() == HelmChart.StrategyRevision)
        {
            var hex = artifact.Revision[(artifact.Revision.LastIndexOf(':') + 1)..];
            version = $"{version}+{hex[..Math.Min(12, hex.Length)]}";
            files = WithVersion(files, version);
        }
        if (UpToDate(chart, current, version) && current?.Metadata?.GetValueOrDefault("sourceRevision") == artifact.Revision)
            return new Build(version, artifact.Revision, null, HelmChart.ChartPackageSucceededReason, PackagedSummary(chart, loaded.Name, version));
        files = await AddMissingDependenciesAsync(ns, tree, path, files, loaded, ct);
        var build = await StoreFilesAsync(chart, loaded.Name, version, artifact.Revision, files, ct);
        return build with { Reason = HelmChart.ChartPackageSucceededReason, Summary = PackagedSummary(chart, loaded.Name, version) };
    }

    private static bool UpToDate(HelmChart chart, Artifact? current, string version) =>
        current is not null && current.Revision == version && chart.Status?.ObservedChartName == chart.Spec.Chart &&
        (chart.Status?.ObservedValuesFiles ?? []).SequenceEqual(chart.Spec.ValuesFiles ?? []);

    /// <summary>Reads a downloaded chart under the archive rules, merges the values files, stores the package.</summary>
    private async Task<Build> StoreAsync(HelmChart chart, string version, string sourceRevision, byte[] tgz, CancellationToken ct)
    {
        List<ChartFile> files;
        try
        {
            files = await ChartArchive.ReadAsync(tgz, options.UnpackLimits, ct);
        }
        catch (UnsafeArchiveException e)
        {
            throw Failure(ChartPull, $"unsafe chart archive: {e.Message}");
        }
        catch (ChartException e)
        {
            throw Failure(ChartPull, $"failed to load chart: {e.Message}");
        }
        var loaded = Load(files);
        if (chart.Spec.ValuesFiles is not { Count: > 0 })
            return await PutAsync(chart, version, sourceRevision, tgz, HelmChart.ChartPullSucceededReason, PulledSummary(chart, version), ct);
        return await StoreFilesAsync(chart, loaded.Name, version, sourceRevision, files, ct);
    }

    private async Task<Build> StoreFilesAsync(HelmChart chart, string name, string version, string sourceRevision,
        List<ChartFile> files, CancellationToken ct)
    {
        var merged = MergeValuesFiles(chart, files);
        var package = ChartArchive.Pack(name, merged);
        var summary = $"packaged '{name}' chart with version '{version}'" + ValuesFilesSuffix(chart);
        return await PutAsync(chart, version, sourceRevision, package, HelmChart.ChartPackageSucceededReason, summary, ct);
    }

    private async Task<Build> PutAsync(HelmChart chart, string version, string sourceRevision, byte[] tgz, string reason, string summary, CancellationToken ct)
    {
        var artifact = await SourceReconcileSteps.StoreAsync(store, Owner(chart), tgz, version, options, time,
            new Dictionary<string, string> { ["sourceRevision"] = sourceRevision }, ct);
        return new Build(version, sourceRevision, artifact, reason, summary);
    }

    /// <summary>spec.valuesFiles merged, in order, over values.yaml (Helm's map merge), as the packaged values.yaml.</summary>
    private static List<ChartFile> MergeValuesFiles(HelmChart chart, List<ChartFile> files)
    {
        var valuesFiles = chart.Spec.ValuesFiles ?? [];
        if (valuesFiles.Count == 0)
            return files;
        var byName = files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var merged = new Dictionary<string, object?>();
        foreach (var name in valuesFiles)
        {
            var relative = name.TrimStart('.', '/');
            if (!byName.TryGetValue(relative, out var file))
            {
                if (chart.Spec.IgnoreMissingValuesFiles == true)
                    continue;
                throw Failure(ValuesFilesMerge, $"no values file found at path '{name}'", terminal: true);
            }
            try
            {
                if (GoYaml.Parse(file.Text) is Dictionary<string, object?> values)
                    merged = ValueTables.MergeMaps(merged, values);
            }
            catch (FormatException e)
            {
                throw Failure(ValuesFilesMerge, $"failed to parse values file '{name}': {e.Message}", terminal: true);
            }
        }
        var yaml = Encoding.UTF8.GetBytes(GoYaml.ToYaml(merged));
        return [.. files.Where(f => f.Name != "values.yaml"), new ChartFile("values.yaml", yaml)];
    }

    private static List<ChartFile> WithVersion(List<ChartFile> files, string version)
    {
        var chartYaml = files.Single(f => f.Name == "Chart.yaml");
        if (GoYaml.Parse(chartYaml.Text) is not Dictionary<string, object?> metadata)
            return files;
        metadata["version"] = version;
        return [.. files.Where(f => f.Name != "Chart.yaml"), new ChartFile("Chart.yaml", Encoding.UTF8.GetBytes(GoYaml.ToYaml(metadata)))];
    }

    private static Chart Load(List<ChartFile> files)
    {
        try
        {
            return ChartLoader.LoadFiles(files);
        }
        catch (ChartException e)
        {
            throw Failure(ChartPackage, $"failed to load chart: {e.Message}");
        }
    }

    private static string PulledSummary(HelmChart chart, string version) =>
        chart.Spec.ValuesFiles is { Count: > 0 }
            ? $"packaged '{chart.Spec.Chart}' chart with version '{version}'" + ValuesFilesSuffix(chart)
            : $"pulled '{chart.Spec.Chart}' chart with version '{version}'";

    private static string PackagedSummary(HelmChart chart, string name, string version) =>
        $"packaged '{name}' chart with version '{version}'" + ValuesFilesSuffix(chart);

    private static string ValuesFilesSuffix(HelmChart chart) =>
        chart.Spec.ValuesFiles is { Count: > 0 } files ? $" and merged values files [{string.Join(" ", files)}]" : "";

    private static ReconcileFailure Failure((string Reason, string Summary) kind, string message, bool terminal = false) =>
        new(kind.Reason, $"{kind.Summary}: {message}", terminal);

    /// <summary>Parsed indexes by digest: every HelmChart of a repository shares one parse of its index.</summary>
    private sealed class IndexCache
    {
        private const int Capacity = 16;
        private readonly Dictionary<string, Task<HelmIndex>> _byDigest = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public async Task<HelmIndex> GetAsync(Artifact artifact, Func<Task<HelmIndex>> load)
        {
            Task<HelmIndex> task;
            lock (_byDigest)
            {
                if (!_byDigest.TryGetValue(artifact.Digest, out task!))
                {
                    task = load();
                    _byDigest[artifact.Digest] = task;
                    _order.Enqueue(artifact.Digest);
                    if (_order.Count > Capacity)
                        _byDigest.Remove(_order.Dequeue());
                }
            }
            try
            {
                return await task;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed load (or a cancelled one) is not kept: the next reconcile tries again.
                lock (_byDigest)
                    _byDigest.Remove(artifact.Digest);
                if (e is not (FormatException or ArtifactException))
                    throw;
                throw new ReconcileFailure(NoSourceArtifactReason, $"failed to load the index of HelmRepository: {e.Message}", inner: e);
            }
        }
    }
}
