using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A HelmRelease acts as its ServiceAccount (spec.serviceAccountName, else the configured default) and on the
/// cluster of its spec.kubeConfig: the release's objects and its storage are written there, as that account, and the
/// real helm reads the release where it landed.</summary>
public sealed class HelmReleaseTenancyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A chart of one ConfigMap in the release namespace.</summary>
    private static string WriteChart(string directory)
    {
        var root = Path.Combine(directory, "settings");
        Directory.CreateDirectory(Path.Combine(root, "templates"));
        File.WriteAllText(Path.Combine(root, "Chart.yaml"), "apiVersion: v2\nname: settings\nversion: 1.0.0\n");
        File.WriteAllText(Path.Combine(root, "values.yaml"), "value: one\n");
        File.WriteAllText(Path.Combine(root, "templates", "configmap.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  value: {{ .Values.value | quote }}\n");
        return root;
    }

    private static string Release(string name, string ns, string extra = "") => $$"""
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          interval: 1m
          chart:
            spec:
              chart: settings
              sourceRef: {kind: HelmRepository, name: charts}
        {{extra}}
        """;

    private static string Repository(string ns, string url) => $$"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: HelmRepository
        metadata: {name: charts, namespace: {{ns}}}
        spec: {url: "{{url}}", interval: 1m}
        """;

    private static Task<string?> ReadyAsync(TideEnvironment env, string name, string ns) =>
        Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("helmrelease/" + name, ns,
                "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.StartsWith("True|", StringComparison.Ordinal) == true || s?.Contains("forbidden", StringComparison.Ordinal) == true,
            Timeout, $"HelmRelease {ns}/{name} to be released or forbidden");

    [Fact]
    public async Task ServiceAccount_DefaultOrNamed_InstallsWithinItsRbac_AndIsForbiddenOutsideIt()
    {
        await using var env = await TideEnvironment.StartAsync(extraConfig: "tide.default-service-account = deployer\ntide.no-cross-namespace-refs = on");
        using var work = new TempDirectory();
        await using var charts = await ChartRepository.StartAsync([WriteChart(work.Path)]);
        await env.Kubectl.ApplyAsync(Manifests.Namespace("team-a") + "\n---\n" + Manifests.Namespace("team-b"));
        // The tenant's account may write ConfigMaps and Secrets (Helm's release storage) in team-a only.
        await env.Kubectl.ApplyAsync("""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: deployer, namespace: team-a}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: deployer, namespace: team-a}
            rules:
            - apiGroups: [""]
              resources: [configmaps, secrets]
              verbs: [get, list, watch, create, update, patch, delete]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: deployer, namespace: team-a}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
            subjects:
            - {kind: ServiceAccount, name: deployer}
            """);
        await env.Kubectl.ApplyAsync(Repository("team-a", charts.Url));

        // No serviceAccountName: the configured default account installs, within its namespace.
        await env.Kubectl.ApplyAsync(Release("own", "team-a"));
        Assert.StartsWith("True|Helm install succeeded for release team-a/own.v1", await ReadyAsync(env, "own", "team-a"));
        Assert.Equal("one", await env.Kubectl.JsonPathAsync("configmap/own-settings", "team-a", "{.data.value}"));
        var listed = Assert.Single(JsonNode.Parse(await Tide.Testing.Helm.RunCheckedAsync(["list", "-n", "team-a", "-o", "json", "--kubeconfig", env.Kubeconfig]))!.AsArray())!;
        Assert.Equal("deployed", (string?)listed["status"]);
        Assert.Equal("tide", await env.Kubectl.JsonPathAsync("configmap/own-settings", "team-a",
            "{.metadata.managedFields[0].manager}"));

        // Its objects in team-b are refused by RBAC, with Kubernetes' message, and nothing lands there.
        await env.Kubectl.ApplyAsync(Release("intruder", "team-a", "  targetNamespace: team-b\n  storageNamespace: team-a"));
        var refused = await ReadyAsync(env, "intruder", "team-a");
        Assert.StartsWith("False|Helm install failed for release team-b/team-b-intruder", refused);
        Assert.Contains("User \"system:serviceaccount:team-a:deployer\" cannot", refused);
        Assert.Contains("in the namespace \"team-b\"", refused);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/team-b-intruder-settings", "team-b", "{.metadata.name}"));

        // A named account wins over the default; one without rights may not even read the release storage.
        await env.Kubectl.ApplyAsync(Release("stranger", "team-a", "  serviceAccountName: nobody"));
        Assert.Contains("User \"system:serviceaccount:team-a:nobody\" cannot", await ReadyAsync(env, "stranger", "team-a"));

        // With no-cross-namespace-refs, a chart from another namespace is refused.
        await env.Kubectl.ApplyAsync(Release("borrower", "team-a").Replace(
            "  chart:\n    spec:\n      chart: settings\n      sourceRef: {kind: HelmRepository, name: charts}\n",
            "  chartRef: {kind: HelmChart, name: shared, namespace: team-b}\n"));
        Assert.Equal("AccessDenied|cross-namespace references are not allowed: cannot access HelmChart team-b/shared",
            await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("helmrelease/borrower", "team-a",
                    "{.status.conditions[?(@.type==\"Stalled\")].reason}|{.status.conditions[?(@.type==\"Stalled\")].message}"),
                s => s?.StartsWith("AccessDenied", StringComparison.Ordinal) == true, Timeout, "the cross-namespace chart to be refused"));

        // Deleted, the release is uninstalled as the account.
        await env.Kubectl.RunAsync("delete", "helmrelease/own", "-n", "team-a", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/own-settings", "team-a", "{.metadata.name}"),
            s => s is null, Timeout, "the release to be uninstalled");
    }

    [Fact]
    public async Task KubeConfigSecret_ReleasesIntoTheOtherCluster_WhereHelmSeesIt()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var remote = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var work = new TempDirectory();
        var remoteKubeconfig = remote.WriteKubeconfig(work.Combine("remote.kubeconfig"));
        var remoteKubectl = new Kubectl(remoteKubeconfig);
        await using var charts = await ChartRepository.StartAsync([WriteChart(work.Path)]);
        await env.Kubectl.ApplyAsync(Manifests.Namespace("apps"));
        await env.Kubectl.RunAsync("create", "secret", "generic", "remote-kubeconfig", "-n", "apps", "--from-file=value=" + remoteKubeconfig);
        await env.Kubectl.ApplyAsync(Repository("apps", charts.Url));

        await env.Kubectl.ApplyAsync(Release("remote", "apps",
            "  kubeConfig:\n    secretRef: {name: remote-kubeconfig}\n  install: {createNamespace: true}\n  values: {value: two}"));
        Assert.StartsWith("True|Helm install succeeded for release apps/remote.v1", await ReadyAsync(env, "remote", "apps"));

        Assert.Equal("two", await remoteKubectl.JsonPathAsync("configmap/remote-settings", "apps", "{.data.value}"));
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/remote-settings", "apps", "{.metadata.name}"));
        Assert.Equal("""{"value":"two"}""", (await Tide.Testing.Helm.RunCheckedAsync(["get", "values", "remote", "-n", "apps", "-o", "json", "--kubeconfig", remoteKubeconfig])).Trim());
        Assert.Equal("", (await Tide.Testing.Helm.RunCheckedAsync(["list", "-n", "apps", "-q", "--kubeconfig", env.Kubeconfig])).Trim());

        // A kubeconfig Secret that does not exist is named, with helm-controller's reason.
        await env.Kubectl.ApplyAsync(Release("lost", "apps", "  kubeConfig:\n    secretRef: {name: absent}"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("helmrelease/lost", "apps",
                "{.status.conditions[?(@.type==\"Ready\")].reason}|{.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s == "RESTClientError|kubeconfig Secret 'apps/absent' not found", Timeout, "the missing kubeconfig Secret to be named");

        await env.Kubectl.RunAsync("delete", "helmrelease/remote", "-n", "apps", "--wait=false");
        await Eventually.WaitAsync(() => remoteKubectl.JsonPathAsync("configmap/remote-settings", "apps", "{.metadata.name}"),
            s => s is null, Timeout, "the release to be uninstalled from the other cluster");
        Assert.Equal("", (await Tide.Testing.Helm.RunCheckedAsync(["list", "-n", "apps", "-q", "--kubeconfig", remoteKubeconfig])).Trim());
    }
}
