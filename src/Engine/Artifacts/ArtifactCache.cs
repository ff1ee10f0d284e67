using System.Collections.Concurrent;
using System.Security.Cryptography;
using Tide.Engine.Api;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Gives consumers (Kustomizations, HelmCharts) the unpacked tree of a source artifact, cached by digest: taken from
/// this node's <see cref="ArtifactStore"/> when it holds the file, else downloaded from the artifact's URL; either
/// way its SHA-256 is checked against the digest before it is unpacked with <see cref="TarballUnpacker"/>'s limits.
/// Trees are immutable once published: unpacked aside and moved into place.
/// </summary>
public sealed class ArtifactCache
{
    private readonly string _trees;
    private readonly string _downloads;
    private readonly HttpClient _http;
    private readonly ArtifactStore? _localStore;
    private readonly UnpackLimits _limits;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    /// <param name="root">Where unpacked trees are kept.</param>
    /// <param name="http">Client for downloads from other nodes.</param>
    /// <param name="localStore">This node's store, read directly when it holds the artifact.</param>
    public ArtifactCache(string root, HttpClient http, ArtifactStore? localStore, UnpackLimits limits)
    {
        _trees = Path.Combine(Path.GetFullPath(root), "trees");
        _downloads = Path.Combine(Path.GetFullPath(root), "downloads");
        Directory.CreateDirectory(_trees);
        Directory.CreateDirectory(_downloads);
        _http = http;
        _localStore = localStore;
        _limits = limits;
    }

    /// <summary>The directory holding the artifact's files; do not modify it (copy it to build in place).</summary>
    /// <exception cref="ArtifactFetchException">Download, digest check or unpacking failed.</exception>
    public async Task<string> GetTreeAsync(Artifact artifact, CancellationToken cancellationToken)
    {
        var hex = DigestHex(artifact.Digest);
        var tree = Path.Combine(_trees, hex);
        if (Directory.Exists(tree))
            return tree;

        var gate = _locks.GetOrAdd(hex, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(tree))
                return tree;
            var download = Path.Combine(_downloads, $"{hex}-{Guid.NewGuid():N}.tar.gz");
            var unpacking = Path.Combine(_trees, $".tmp-{Guid.NewGuid():N}");
            try
            {
                await CopyToFileAsync(artifact, download, cancellationToken);
                await VerifyAsync(download, artifact.Digest, cancellationToken);
                await using (var archive = File.OpenRead(download))
                    await TarballUnpacker.UnpackAsync(archive, unpacking, _limits, cancellationToken);
                Directory.Move(unpacking, tree);
                return tree;
            }
            catch (UnsafeArchiveException e)
            {
                throw new ArtifactFetchException($"failed to extract artifact '{artifact.Url}': {e.Message}", e);
            }
            finally
            {
                File.Delete(download);
                if (Directory.Exists(unpacking))
                    Directory.Delete(unpacking, recursive: true);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops cached trees whose digest is not in <paramref name="keep"/>.</summary>
    public void Retain(IReadOnlySet<string> keep)
    {
        var keepHex = keep.Select(DigestHex).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories(_trees))
        {
            var name = Path.GetFileName(directory);
            if (!name.StartsWith('.') && !keepHex.Contains(name))
                Directory.Delete(directory, recursive: true);
        }
    }

    private async Task CopyToFileAsync(Artifact artifact, string destination, CancellationToken cancellationToken)
    {
        await using var file = File.Create(destination);
        if (_localStore?.Exists(artifact.Path) == true)
        {
            await using var local = _localStore.Open(artifact.Path);
            await local.CopyToAsync(file, cancellationToken);
            return;
        }
        try
        {
            using var response = await _http.GetAsync(artifact.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ArtifactFetchException(
                    $"failed to download artifact from {artifact.Url}, status: {(int)response.StatusCode} {response.ReasonPhrase}");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(file, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ArtifactFetchException($"failed to download artifact from {artifact.Url}: {e.Message}", e);
        }
    }

    private static async Task VerifyAsync(string file, string digest, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        var actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        if (actual != digest)
            throw new ArtifactFetchException($"failed to verify artifact: computed digest '{actual}' doesn't match '{digest}'");
    }

    private static string DigestHex(string digest)
    {
        const string prefix = "sha256:";
        var hex = digest.StartsWith(prefix, StringComparison.Ordinal) ? digest[prefix.Length..] : "";
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
            throw new ArtifactFetchException($"unsupported artifact digest '{digest}': expected sha256:<64 hex digits>");
        return hex;
    }
}
