using System.CommandLine;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Oci;

namespace Tide.Host.Commands;

/// <summary>`tide pull artifact oci://HOST/REPO:TAG --output DIR`: extracts an OCI artifact in Flux's format into an
/// empty directory (like `flux pull artifact`), refusing unsafe archives.</summary>
public static class PullArtifactCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "What to pull: oci://HOST[:PORT]/REPOSITORY[:TAG|@DIGEST] (tag 'latest' when omitted)." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "The directory to extract into (created; must be empty).", Required = true };
        var registryOptions = new RegistryOptions();
        var artifact = new Command("artifact", "Pull an OCI artifact in Flux's format and extract its content.") { url, output };
        registryOptions.AddTo(artifact);
        artifact.SetAction(async (parse, ct) =>
        {
            using var http = new HttpClient();
            try
            {
                var source = OciReference.Parse(parse.GetValue(url)!);
                var client = registryOptions.Client(parse, http, source);
                var manifest = await FluxArtifact.PullAsync(client, source, parse.GetValue(output)!.FullName, UnpackLimits.Default, ct);
                Console.WriteLine($"source: {manifest.Annotations.GetValueOrDefault(FluxArtifactTypes.SourceAnnotation) ?? "-"}");
                Console.WriteLine($"revision: {manifest.Annotations.GetValueOrDefault(FluxArtifactTypes.RevisionAnnotation) ?? "-"}");
                Console.WriteLine($"digest: {manifest.Digest}");
                Console.WriteLine($"artifact content extracted to {parse.GetValue(output)!.FullName}");
                return 0;
            }
            catch (Exception e) when (e is OciException or SourceFetchException or FormatException or IOException)
            {
                Console.Error.WriteLine($"tide pull artifact: {e.Message}");
                return 1;
            }
        });
        return new Command("pull", "Fetch content from a registry.") { artifact };
    }
}
