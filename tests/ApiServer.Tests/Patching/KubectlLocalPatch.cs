using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>Runs Kubernetes' own strategic merge patch through <c>kubectl patch --local</c> (no server involved), the
/// reference the patch library is checked against.</summary>
internal static class KubectlLocalPatch
{
    private const string Kubectl = "/usr/bin/kubectl";

    public static async Task<JsonNode?> ApplyAsync(JsonObject original, JsonObject patch, CancellationToken cancellationToken) =>
        await ApplyAsync(original, "strategic", patch, cancellationToken)
        ?? throw new InvalidOperationException("kubectl rejected the strategic merge patch");

    /// <summary>The patched object, or null when kubectl rejects the patch.</summary>
    public static async Task<JsonNode?> ApplyAsync(JsonObject original, string type, JsonNode patch, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tide-smp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, original.ToJsonString(), cancellationToken);
        try
        {
            var start = new ProcessStartInfo(Kubectl)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList = { "patch", "--local", "-f", file, "--type", type, "-p", patch.ToJsonString(), "-o", "json" },
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                return (await error).StartsWith("error:", StringComparison.Ordinal)
                    ? null
                    : throw new InvalidOperationException($"kubectl failed: {await error}");
            return JsonNode.Parse(await output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
