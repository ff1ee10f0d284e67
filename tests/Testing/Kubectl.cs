namespace Tide.Testing;

/// <summary>The real kubectl (/usr/bin/kubectl) against a kubeconfig: an independent client for assertions.</summary>
public sealed class Kubectl(string kubeconfig)
{
    public Task<string> RunAsync(params string[] args) =>
        ProcessRunner.RunCheckedAsync("kubectl", ["--kubeconfig", kubeconfig, .. args]);

    public Task<ProcessRunner.Result> TryAsync(params string[] args) =>
        ProcessRunner.RunAsync("kubectl", ["--kubeconfig", kubeconfig, .. args]);

    public Task<string> ApplyAsync(string yaml) =>
        ProcessRunner.RunCheckedAsync("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "--validate=false", "-f", "-"], stdin: yaml);

    /// <summary>`kubectl get -o jsonpath=...`, or null when the object does not exist.</summary>
    public async Task<string?> JsonPathAsync(string resource, string? ns, string jsonPath)
    {
        var args = new List<string> { "--kubeconfig", kubeconfig, "get", resource, "-o", "jsonpath=" + jsonPath };
        if (ns is not null)
            args.AddRange(["-n", ns]);
        var result = await ProcessRunner.RunAsync("kubectl", args);
        if (result.ExitCode != 0 && result.Stderr.Contains("NotFound", StringComparison.Ordinal))
            return null;
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"kubectl get {resource} failed: {result.Stderr}");
        return result.Stdout;
    }
}
