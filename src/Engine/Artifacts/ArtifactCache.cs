using System.Security.Cryptography;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Gets artifacts to the node that consumes them: from the local cache by digest, else downloaded from the url of the
/// node that owns the source, verified against the digest before it is used, and kept by digest.
/// </summary>
public sealed class ArtifactCache(string directory, HttpClient http)
{
    private readonly SemaphoreSlim _downloads = new(4);
    private readonly ArchiveTreeCache _trees = new();

    /// <summary>The artifact unpacked into memory (<see cref="TarballUnpacker.UnpackToMemoryAsync"/>), shared by
    /// every caller of the same digest while it stays in the <see cref="ArchiveTreeCache"/>.</summary>
    public async Task<ArchiveTree> GetTreeAsync(string url, string digest, UnpackLimits limits, CancellationToken ct)
    {
        var path = await GetAsync(url, digest, ct);
        return await _trees.GetAsync(digest, async () =>
        {
            await using var file = File.OpenRead(path);
            return await TarballUnpacker.UnpackToMemoryAsync(file, limits, CancellationToken.None);
        }, ct);
    }

    /// <summary>A local file holding the artifact with <paramref name="digest"/> (<c>sha256:&lt;hex&gt;</c>).</summary>
    public async Task<string> GetAsync(string url, string digest, CancellationToken ct)
    {
        var hex = HexOf(digest);
        var path = Path.Combine(directory, hex + ".tar.gz");
        if (File.Exists(path))
            return path;
        await _downloads.WaitAsync(ct);
        try
        {
            if (File.Exists(path))
                return path;
            Directory.CreateDirectory(directory);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct))
                {
                    if (!response.IsSuccessStatusCode)
                        throw new ArtifactException($"failed to download artifact from {url}: HTTP {(int)response.StatusCode}");
                    await using var body = await response.Content.ReadAsStreamAsync(ct);
                    await using var file = File.Create(temp);
                    await body.CopyToAsync(file, ct);
                }
                var actual = await DigestOfAsync(temp, ct);
                if (!string.Equals(actual, digest, StringComparison.Ordinal))
                    throw new ArtifactException($"artifact from {url} has digest {actual}, expected {digest}");
                File.Move(temp, path, overwrite: true);
                return path;
            }
            catch (HttpRequestException e)
            {
                throw new ArtifactException($"failed to download artifact from {url}: {e.Message}", e);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        finally
        {
            _downloads.Release();
        }
    }

    public static async Task<string> DigestOfAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    private static string HexOf(string digest)
    {
        const string prefix = "sha256:";
        var hex = digest.StartsWith(prefix, StringComparison.Ordinal) ? digest[prefix.Length..] : "";
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
            throw new ArtifactException($"unsupported artifact digest '{digest}': expected sha256:<64 lowercase hex>");
        return hex;
    }
}
