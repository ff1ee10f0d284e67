using System.Text.Json.Nodes;
using Tide.Engine.Kustomize;
using Tide.Engine.Yaml;

namespace Tide.Engine.Decryption;

/// <summary>
/// Decrypts, in the build's working copy (a directory, or a copy-on-write view of an artifact in memory) and before
/// the build, the SOPS-encrypted files kustomizations read as generator inputs or
/// patches (secretGenerator/configMapGenerator files, envs and env; patches paths; patchesStrategicMerge), as Flux
/// does, so generated names hash the plaintext as in Flux. Only files inside <c>root</c> are touched.
/// </summary>
public static class KustomizationInputs
{
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    public static void Decrypt(string root, SopsDecryptor decryptor) => Decrypt(DiskFileSystem.Instance, root, decryptor);

    public static void Decrypt(IWritableFileTree files, string root, SopsDecryptor decryptor)
    {
        root = files.Normalize(root);
        foreach (var kustomization in files.EnumerateFilesRecursively(root)
                     .Where(f => KustomizationFiles.Contains(Path.GetFileName(f))).ToList())
        {
            var dir = FileTrees.Parent(kustomization);
            if (YamlJson.ParseAll(files.ReadAllText(kustomization)).FirstOrDefault() is not JsonObject k)
                continue;
            foreach (var (relative, format) in Inputs(k))
            {
                var path = files.Normalize(FileTrees.Combine(dir, relative));
                if (path == root || !FileTrees.IsWithin(path, root) || !files.FileExists(path))
                    continue;
                var content = files.ReadAllBytes(path);
                var plain = decryptor.DecryptFile(content, FileTrees.Relative(root, path), format);
                if (!ReferenceEquals(plain, content))
                    files.WriteAllBytes(path, plain);
            }
        }
    }

    private static IEnumerable<(string Path, SopsFormat? Format)> Inputs(JsonObject k)
    {
        static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        foreach (var generator in new[] { "secretGenerator", "configMapGenerator" }
                     .SelectMany(g => (k[g] as JsonArray ?? []).OfType<JsonObject>()))
        {
            foreach (var file in (generator["files"] as JsonArray ?? []).Select(Text).OfType<string>())
                yield return (file.Contains('=') ? file[(file.IndexOf('=') + 1)..] : file, null);
            foreach (var env in (generator["envs"] as JsonArray ?? []).Select(Text).OfType<string>())
                yield return (env, SopsFormat.Dotenv);
            if (Text(generator["env"]) is { } single)
                yield return (single, SopsFormat.Dotenv);
        }
        foreach (var patch in (k["patches"] as JsonArray ?? []).OfType<JsonObject>())
            if (Text(patch["path"]) is { } path)
                yield return (path, null);
        foreach (var path in (k["patchesStrategicMerge"] as JsonArray ?? []).Select(Text).OfType<string>())
            if (!path.Contains('\n'))
                yield return (path, null);
    }
}
