using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Sources.Oci;

/// <summary>
/// Publishes and fetches artifacts in Flux's OCI format (`flux push artifact` / `flux pull artifact`): an OCI image
/// manifest whose config is an empty Flux config blob and whose single layer is a reproducible tar.gz of a directory,
/// annotated with the source URL, the revision and the creation time.
/// </summary>
public static class FluxArtifact
{
    /// <summary>Packs <paramref name="directory"/>, uploads config and layer, tags the manifest and returns the
    /// manifest digest.</summary>
    public static async Task<string> PushAsync(
        OciClient client, OciReference target, string directory, string? source, string? revision, DateTimeOffset created,
        CancellationToken cancellationToken)
    {
        var layerFile = Path.Combine(Path.GetTempPath(), $"tide-push-{Guid.NewGuid():N}.tgz");
        try
        {
            await using (var file = new FileStream(layerFile, FileMode.CreateNew, FileAccess.Write))
                await TarballPacker.PackAsync(directory, file, exclude: null, cancellationToken);
            byte[] layerHash;
            await using (var file = File.OpenRead(layerFile))
                layerHash = await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken);
            var layer = new OciDescriptor(FluxArtifactTypes.ContentMediaType, "sha256:" + Convert.ToHexStringLower(layerHash), new FileInfo(layerFile).Length);
            var configBytes = "{}"u8.ToArray();
            var config = new OciDescriptor(FluxArtifactTypes.ConfigMediaType, OciClient.Sha256Digest(configBytes), configBytes.Length);

            await client.PushBlobAsync(target.Repository, config.Digest, () => new ByteArrayContent(configBytes), cancellationToken);
            await client.PushBlobAsync(target.Repository, layer.Digest, () => new StreamContent(File.OpenRead(layerFile)), cancellationToken);

            var annotations = new JsonObject { [FluxArtifactTypes.CreatedAnnotation] = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") };
            if (!string.IsNullOrEmpty(revision))
                annotations[FluxArtifactTypes.RevisionAnnotation] = revision;
            if (!string.IsNullOrEmpty(source))
                annotations[FluxArtifactTypes.SourceAnnotation] = source;
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = FluxArtifactTypes.ManifestMediaType,
                ["config"] = Json(config),
                ["layers"] = new JsonArray(Json(layer)),
                ["annotations"] = annotations,
            };
            return await client.PushManifestAsync(target.Repository, target.Tag ?? OciArtifactFetcher.DefaultTag,
                Encoding.UTF8.GetBytes(manifest.ToJsonString(ManifestJson)), FluxArtifactTypes.ManifestMediaType, cancellationToken);
        }
        finally
        {
            File.Delete(layerFile);
        }
    }

    /// <summary>Extracts the Flux content layer (or the first layer) of the artifact at <paramref name="source"/>'s tag
    /// or digest into <paramref name="directory"/>; returns the manifest pulled.</summary>
    public static async Task<OciManifest> PullAsync(
        OciClient client, OciReference source, string directory, UnpackLimits limits, CancellationToken cancellationToken)
    {
        var reference = new Api.OciRepositoryRef { Tag = source.Tag, Digest = source.Digest };
        var resolution = await OciArtifactFetcher.ResolveAsync(client, source, reference, cancellationToken);
        var manifest = resolution.Manifest;
        var layer = manifest.Layers.FirstOrDefault(l => l.MediaType == FluxArtifactTypes.ContentMediaType)
            ?? OciArtifactFetcher.SelectLayer(manifest, null);
        await OciArtifactFetcher.ExtractLayerAsync(client, source, layer, directory, limits, cancellationToken);
        return manifest;
    }

    /// <summary>Media types keep their '+' (the default encoder would write \u002B).</summary>
    private static readonly JsonSerializerOptions ManifestJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonObject Json(OciDescriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest,
        ["size"] = descriptor.Size,
    };
}
