using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Flux's postBuild variable substitution from inline values and from ConfigMaps in the cluster.</summary>
public sealed class PostBuildTests
{
    [Fact]
    public async Task Variables_FromSubstituteAndConfigMaps_AreExpanded_AndAMissingSourceIsReported()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("vars");
        repo.Write("app/settings.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: default
            data:
              greeting: "${greeting}"
              cluster: "${cluster_name}"
              region: "${region:=eu-west-1}"
              literal: "$${not_a_var}"
            """);
        var commit = await repo.CommitAndPushAsync("vars");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.ConfigMap("flux-system", "cluster-vars", "unused").Replace(
            "  value: \"unused\"", "  cluster_name: prod-1"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("vars", env.Git.RepositoryUrl("vars")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("vars", "vars", "./app") + """

              postBuild:
                substitute:
                  greeting: hello
                substituteFrom:
                - kind: ConfigMap
                  name: cluster-vars
                - kind: Secret
                  name: absent-but-optional
                  optional: true
            """);

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "vars", $"main@sha1:{commit}");
        Assert.Equal("hello", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.greeting}"));
        Assert.Equal("prod-1", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.cluster}"));
        Assert.Equal("eu-west-1", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.region}"));
        Assert.Equal("${not_a_var}", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.literal}"));

        // A required source of variables that does not exist: the build fails and says which one.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("vars-missing", "vars", "./app") + """

              postBuild:
                substituteFrom:
                - kind: ConfigMap
                  name: no-such-vars
            """);
        var message = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/vars-missing", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].reason}={.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.StartsWith("BuildFailed=", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the missing ConfigMap to be reported");
        Assert.Contains("ConfigMap/no-such-vars", message);
    }
}
