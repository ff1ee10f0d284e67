using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.GoCompat;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Kustomize;
using Tide.Engine.Sources.Helm;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// The dependencies of a chart directory that its charts/ does not vendor, fetched as source-controller's dependency
/// manager (and `helm dependency build`) fetches them: those of Chart.lock when it exists, else of Chart.yaml; a
/// <c>file://</c> (or empty) repository is a chart directory of the same source artifact, packaged; an http(s) or
/// oci:// repository is pulled with the credentials of the HelmRepository of the HelmChart's namespace whose URL it
/// is (its stored index when it has one), or anonymously when there is none. Each lands in charts/ as
/// &lt;name&gt;-&lt;version&gt;.tgz.
/// </summary>
public sealed partial class HelmChartReconciler
{
    private static readonly (string Reason, string Summary) DependencyBuild = ("DependencyBuildError", "dependency build error");

    private async Task<List<ChartFile>> AddMissingDependenciesAsync(string ns, ArchiveTree tree, string chartPath, List<ChartFile> files,
        Chart loaded, CancellationToken ct)
    {
        var present = loaded.Dependencies.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var missing = Requirements(files, loaded)
            .Where(d => !present.Contains(d.Name) && !(d.Alias.Length > 0 && present.Contains(d.Alias)))
            .ToList();
        if (missing.Count == 0)
            return files;
        var added = new List<ChartFile>(files);
        foreach (var dependency in missing)
        {
            var (version, tgz) = IsLocal(dependency)
                ? LocalDependency(tree, chartPath, dependency)
                : await RemoteDependencyAsync(ns, dependency, ct);
            added.Add(new ChartFile($"charts/{dependency.Name}-{version}.tgz", tgz));
        }
        return added;
    }

    /// <summary>Chart.lock's dependencies (exact versions) when the chart has one, as Helm builds from the lock.</summary>
    private static IReadOnlyList<ChartDependency> Requirements(List<ChartFile> files, Chart loaded)
    {
        if (files.FirstOrDefault(f => f.Name == "Chart.lock") is { } lockFile &&
            GoYaml.Parse(lockFile.Text) is Dictionary<string, object?> lockDocument &&
            lockDocument.GetValueOrDefault("dependencies") is List<object?> locked)
            return locked.OfType<Dictionary<string, object?>>().Select(ChartDependency.FromMap).ToList();
        return loaded.Metadata.Dependencies;
    }

    private static bool IsLocal(ChartDependency dependency) =>
        dependency.Repository.Length == 0 || dependency.Repository.StartsWith("file://", StringComparison.Ordinal);

    /// <summary>A chart directory of the same artifact (kept inside it, as a secure join keeps it), packaged.</summary>
    private static (string Version, byte[] Tgz) LocalDependency(ArchiveTree tree, string chartPath, ChartDependency dependency)
    {
        var relative = dependency.Repository.Length == 0 ? "charts/" + dependency.Name : dependency.Repository["file://".Length..];
        var path = FileTrees.NormalizeLexically(chartPath + "/" + relative);
        if (!tree.FileExists(path + "/Chart.yaml"))
            throw DependencyFailure("local", dependency, $"no chart found at '{path.TrimStart('/')}' (reference '{dependency.Repository}')");
        var files = ChartArchive.FilesOf(tree, path);
        Chart chart;
        try
        {
            chart = ChartLoader.LoadFiles(files);
        }
        catch (ChartException e)
        {
            throw DependencyFailure("local", dependency, $"failed to load chart from '{path.TrimStart('/')}' (reference '{dependency.Repository}'): {e.Message}");
        }
        if (!SemverConstraint.TryParse(dependency.Version is { Length: > 0 } v ? v : "*", out var constraint, out var error))
            throw DependencyFailure("local", dependency, $"invalid version/constraint format '{dependency.Version}': {error}");
        if (!SemanticVersion.TryParse(chart.Metadata.Version, out var version) || !constraint!.IsSatisfiedBy(version))
            throw DependencyFailure("local", dependency, $"can't get a valid version for constraint '{dependency.Version}'");
        return (chart.Metadata.Version, ChartArchive.Pack(chart.Name, files));
    }

    private async Task<(string Version, byte[] Tgz)> RemoteDependencyAsync(string ns, ChartDependency dependency, CancellationToken ct)
    {
        var url = NormalizeRepositoryUrl(dependency.Repository);
        if (!url.StartsWith("oci://", StringComparison.Ordinal) && !url.StartsWith("http://", StringComparison.Ordinal) &&
            !url.StartsWith("https://", StringComparison.Ordinal))
            throw DependencyFailure("remote", dependency, dependency.Repository.StartsWith('@') || dependency.Repository.StartsWith("alias:", StringComparison.Ordinal)
                ? $"aliased repository dependency is not supported: {dependency.Repository}"
                : $"invalid dependency repository URL: {dependency.Repository}");
        var repository = (await sources.ListRepositories(ns, ct)).FirstOrDefault(r => NormalizeRepositoryUrl(r.Spec.Url) == url)
            ?? new HelmRepository
            {
                Metadata = new k8s.Models.V1ObjectMeta { Name = url, NamespaceProperty = ns },
                Spec = new HelmRepositorySpec { Url = url, Type = url.StartsWith("oci://", StringComparison.Ordinal) ? "oci" : null },
            };
        try
        {
            var pulled = repository.Spec.IsOci()
                ? await PullChartFromRegistryAsync(repository, dependency.Name, dependency.Version, _ => false, verifyFor: null, ct)
                : await PullChartFromIndexAsync(repository, dependency.Name, dependency.Version, _ => false, ct);
            // Read under the archive rules, as the chart that will hold it is.
            await ChartArchive.ReadAsync(pulled.Tgz!, options.UnpackLimits, ct);
            return (pulled.Version, pulled.Tgz!);
        }
        catch (Exception e) when (e is UnsafeArchiveException or ChartException)
        {
            throw DependencyFailure("remote", dependency, $"failed to load downloaded archive: {e.Message}");
        }
        catch (ReconcileFailure e)
        {
            throw DependencyFailure("remote", dependency, $"failed to get chart '{dependency.Name}' version '{dependency.Version}' from '{dependency.Repository}': {e.Message}");
        }
    }

    /// <summary>Helm's repository URL normal form: oci:// without a trailing slash, http(s) with one.</summary>
    private static string NormalizeRepositoryUrl(string url) =>
        url.StartsWith("oci://", StringComparison.Ordinal) ? url.TrimEnd('/') : url.TrimEnd('/') + "/";

    private static ReconcileFailure DependencyFailure(string kind, ChartDependency dependency, string message) =>
        Failure(DependencyBuild, $"failed to add {kind} dependency '{(dependency.Alias.Length > 0 ? dependency.Alias : dependency.Name)}': {message}");
}
