using System.Text.RegularExpressions;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Sources.Oci;

/// <summary>
/// Resolves an OCIRepository reference the way source-controller does (digest, then semver over the repository's
/// tags, then tag, 'latest' by default), picks the layer a layerSelector names and extracts it safely.
/// </summary>
public static class OciArtifactFetcher
{
    public const string DefaultTag = "latest";

    public static async Task<OciResolution> ResolveAsync(
        OciClient client, OciReference repository, OciRepositoryRef? reference, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(reference?.Digest))
        {
            var manifest = await GetManifestAsync(client, repository, reference.Digest, cancellationToken);
            return new OciResolution(manifest.Digest, null, manifest);
        }
        var tag = !string.IsNullOrEmpty(reference?.Semver)
            ? await PickSemverTagAsync(client, repository, reference.Semver, reference.SemverFilter, cancellationToken)
            : !string.IsNullOrEmpty(reference?.Tag) ? reference.Tag : DefaultTag;
        var tagged = await GetManifestAsync(client, repository, tag, cancellationToken);
        return new OciResolution($"{tag}@{tagged.Digest}", tag, tagged);
    }

    /// <summary>The first layer with the media type, or the first layer when none is asked for.</summary>
    public static OciDescriptor SelectLayer(OciManifest manifest, string? mediaType)
    {
        if (manifest.Layers.Count == 0)
            throw new SourceFetchException(OciRepository.LayerOperationFailedReason, "no layers found in artifact");
        if (string.IsNullOrEmpty(mediaType))
            return manifest.Layers[0];
        return manifest.Layers.FirstOrDefault(l => l.MediaType == mediaType)
            ?? throw new SourceFetchException(OciRepository.LayerOperationFailedReason,
                $"failed to find layer with media type '{mediaType}' in artifact");
    }

    /// <summary>Downloads the layer (digest-checked) and unpacks it as a tar.gz into the empty <paramref name="directory"/>,
    /// refusing unsafe entries.</summary>
    public static async Task ExtractLayerAsync(
        OciClient client, OciReference repository, OciDescriptor layer, string directory, UnpackLimits limits, CancellationToken cancellationToken)
    {
        var download = Path.Combine(Path.GetTempPath(), $"tide-oci-{Guid.NewGuid():N}.tgz");
        try
        {
            await using (var file = new FileStream(download, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                await DownloadLayerAsync(client, repository, layer, file, cancellationToken);
                file.Position = 0;
                try
                {
                    await TarballUnpacker.UnpackAsync(file, directory, limits, cancellationToken);
                }
                catch (Exception e) when (e is UnsafeArchiveException or InvalidDataException)
                {
                    throw new SourceFetchException(OciRepository.LayerOperationFailedReason,
                        $"failed to extract layer contents from artifact: {e.Message}", inner: e);
                }
            }
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>Writes the layer blob as is (the 'copy' operation), digest-checked.</summary>
    public static async Task DownloadLayerAsync(
        OciClient client, OciReference repository, OciDescriptor layer, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            await client.CopyBlobAsync(repository.Repository, layer, destination, cancellationToken);
        }
        catch (OciException e)
        {
            throw new SourceFetchException(OciRepository.PullFailedReason, $"failed to pull artifact from '{repository.RepositoryUrl}': {e.Message}", inner: e);
        }
    }

    private static async Task<OciManifest> GetManifestAsync(
        OciClient client, OciReference repository, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetManifestAsync(repository.Repository, reference, cancellationToken);
        }
        catch (OciException e)
        {
            throw new SourceFetchException(
                e.IsUnauthorized ? ConditionReasons.AuthenticationFailed : OciRepository.PullFailedReason,
                $"failed to determine artifact digest: {e.Message}", inner: e);
        }
    }

    /// <summary>The highest tag that parses as a version, matches the filter and satisfies the range; its
    /// original spelling is kept (e.g. "v1.2.0").</summary>
    private static async Task<string> PickSemverTagAsync(
        OciClient client, OciReference repository, string range, string? filter, CancellationToken cancellationToken)
    {
        var failure = $"failed to determine the artifact tag for '{repository.RepositoryUrl}'";
        if (!SemverConstraint.TryParse(range, out var constraint, out var error))
            throw new SourceFetchException(ConditionReasons.ReadOperationFailed, $"{failure}: semver '{range}' parse error: {error}");
        Regex? pattern;
        try
        {
            pattern = string.IsNullOrEmpty(filter) ? null : new Regex(filter, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new SourceFetchException(ConditionReasons.ReadOperationFailed, $"{failure}: error parsing regex '{filter}': {e.Message}");
        }
        IReadOnlyList<string> tags;
        try
        {
            tags = await client.ListTagsAsync(repository.Repository, cancellationToken);
        }
        catch (OciException e)
        {
            throw new SourceFetchException(
                e.IsUnauthorized ? ConditionReasons.AuthenticationFailed : ConditionReasons.ReadOperationFailed, $"{failure}: {e.Message}", inner: e);
        }
        var best = tags
            .Where(t => pattern is null || pattern.IsMatch(t))
            .Select(t => SemanticVersion.TryParse(t, out var v) ? v : null)
            .OfType<SemanticVersion>()
            .Where(constraint!.IsSatisfiedBy)
            .Max();
        return best?.Original ?? throw new SourceFetchException(ConditionReasons.ReadOperationFailed, $"{failure}: no match found for semver: {range}");
    }
}
