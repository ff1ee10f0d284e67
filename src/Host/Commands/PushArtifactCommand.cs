using System.CommandLine;
using Tide.Engine.Sources.Oci;

namespace Tide.Host.Commands;

/// <summary>`tide push artifact oci://HOST/REPO:TAG --path DIR --source URL --revision REV`: publishes a directory as
/// an OCI artifact in Flux's format (like `flux push artifact`), for an OCIRepository to reconcile.</summary>
public static class PushArtifactCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "Where to push: oci://HOST[:PORT]/REPOSITORY[:TAG] (tag 'latest' when omitted)." };
        var path = new Option<DirectoryInfo>("--path") { Description = "The directory to pack.", Required = true };
        var source = new Option<string?>("--source") { Description = "Where the content comes from, e.g. a Git URL (org.opencontainers.image.source)." };
        var revision = new Option<string?>("--revision") { Description = "The revision of the content, e.g. main@sha1:<commit> (org.opencontainers.image.revision)." };
        var registryOptions = new RegistryOptions();
        var artifact = new Command("artifact", "Push a directory as an OCI artifact in Flux's format.") { url, path, source, revision };
        registryOptions.AddTo(artifact);
        artifact.SetAction(async (parse, ct) =>
        {
            var directory = parse.GetValue(path)!;
            if (!directory.Exists)
            {
                Console.Error.WriteLine($"tide push artifact: '{directory.FullName}' is not a directory");
                return 1;
            }
            using var http = new HttpClient();
            try
            {
                var target = OciReference.Parse(parse.GetValue(url)!);
                var client = registryOptions.Client(parse, http, target);
                var digest = await FluxArtifact.PushAsync(client, target, directory.FullName,
                    parse.GetValue(source), parse.GetValue(revision), DateTimeOffset.UtcNow, ct);
                Console.WriteLine($"artifact pushed to {target.Registry}/{target.Repository}:{target.Tag ?? OciArtifactFetcher.DefaultTag}@{digest}");
                return 0;
            }
            catch (Exception e) when (e is OciException or FormatException)
            {
                Console.Error.WriteLine($"tide push artifact: {e.Message}");
                return 1;
            }
        });
        return new Command("push", "Publish content to a registry.") { artifact };
    }
}
