using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// The Helm chart in deploy/helm/tide with the real helm v4.1.4: it lints, `helm template` renders exactly what
/// `tide install --export` prints (one description of the components), its CRDs are `tide crds`, and `helm install`
/// and `tide install`/`uninstall` into the embedded API server end with a ready StatefulSet under the workload
/// simulation.
/// </summary>
public sealed class DeploymentTests
{
    private static readonly string Chart = Path.Combine(TestPaths.RepositoryRoot, "deploy", "helm", "tide");

    [Fact]
    public async Task Chart_Lints_TemplatesAsTideInstallExport_AndCarriesTideCrds()
    {
        var lint = await Helm.RunAsync(["lint", Chart]);
        Assert.True(lint.ExitCode == 0, lint.Stdout + lint.Stderr);

        var helm = await Helm.RunCheckedAsync(["template", "tide", Chart, "--namespace", "tide-system", "--include-crds"]);
        var export = await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "install", "--export", "-n", "tide-system"]);
        const string namespaceDocument = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: tide-system\n";
        Assert.StartsWith(namespaceDocument, export);
        Assert.Equal(helm, export[namespaceDocument.Length..]);
        foreach (var expected in new[] { "kind: StatefulSet", "kind: PodDisruptionBudget", "clusterIP: None", "path: /readyz", "path: /healthz", "verbs: [\"get\", \"impersonate\"]" })
            Assert.Contains(expected, helm);

        // The pods find each other through the API server: a majority of the replicas (3) forms a new cluster.
        Assert.Contains("      discovery = kubernetes\n", helm);
        Assert.Contains("        required-contact-points = 2\n", helm);
        Assert.Contains("            - name: management\n              containerPort: 8558\n", helm);
        Assert.DoesNotContain("kind: ServiceMonitor", helm);
        // With serviceMonitor.enabled, Prometheus Operator scrapes the metrics port that the headless Service names.
        var monitored = await Helm.RunCheckedAsync(["template", "tide", Chart, "--namespace", "tide-system",
            "--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=kps"]);
        Assert.Contains("kind: ServiceMonitor", monitored);
        Assert.Contains("    - port: metrics\n      path: /metrics\n      interval: 30s\n", monitored);
        Assert.Contains("    release: kps\n", monitored);
        Assert.Contains("    - name: metrics\n      port: 8080\n", helm);

        var crds = await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "crds"]);
        Assert.Equal(crds, File.ReadAllText(Path.Combine(Chart, "crds", "tide-crds.yaml")));
    }

    [Fact]
    public async Task HelmInstall_AndTideInstallUninstall_EndReadyInTheEmbeddedApiServer()
    {
        await using var api = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.FromMilliseconds(200) });
        using var dir = new TempDirectory("tide-deploy-");
        var kubeconfig = api.WriteKubeconfig(dir.Combine("kubeconfig"));
        var kubectl = new Kubectl(kubeconfig);

        var install = await Helm.RunAsync(["install", "tide", Chart, "--namespace", "flux-system", "--create-namespace",
            "--kubeconfig", kubeconfig, "--wait", "--timeout", "60s", "--set", "replicas=2"]);
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        Assert.Equal("2", await kubectl.JsonPathAsync("statefulset/tide", "flux-system", "{.status.readyReplicas}"));
        Assert.Equal("1", await kubectl.JsonPathAsync("poddisruptionbudget/tide", "flux-system", "{.spec.maxUnavailable}"));

        var tide = new TideCli(kubeconfig);
        var installed = await tide.RunOkAsync("install", "-n", "tide-system");
        Assert.Contains("✔ StatefulSet/tide-system/tide ready", installed);
        Assert.Equal("3", await kubectl.JsonPathAsync("statefulset/tide", "tide-system", "{.status.readyReplicas}"));
        // The node's own rights stay in its namespace; impersonation of tenants' ServiceAccounts is granted.
        Assert.Equal("yes", (await kubectl.TryAsync("auth", "can-i", "create", "leases", "-n", "tide-system",
            "--as", "system:serviceaccount:tide-system:tide")).Stdout.Trim());
        Assert.Equal("yes", (await kubectl.TryAsync("auth", "can-i", "list", "pods", "-n", "tide-system",
            "--as", "system:serviceaccount:tide-system:tide")).Stdout.Trim());
        Assert.Equal("yes", (await kubectl.TryAsync("auth", "can-i", "impersonate", "serviceaccounts", "-n", "tenant",
            "--as", "system:serviceaccount:tide-system:tide")).Stdout.Trim());

        var uninstalled = await tide.RunOkAsync("uninstall", "-n", "tide-system", "--keep-namespace");
        Assert.Contains("✔ uninstall finished", uninstalled);
        Assert.Equal(1, (await kubectl.TryAsync("get", "statefulset/tide", "-n", "tide-system")).ExitCode);
        Assert.Equal(0, (await kubectl.TryAsync("get", "namespace/tide-system")).ExitCode);
    }
}
