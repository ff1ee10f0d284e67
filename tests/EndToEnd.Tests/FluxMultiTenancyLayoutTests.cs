using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// The layout of fluxcd/flux2-multi-tenancy, from small manifests of our own, with Flux's lockdown on
/// (tide.no-cross-namespace-refs, tide.default-service-account = default): the platform's Kustomizations run as
/// kustomize-controller; kyverno's manifests come as an OCI artifact (an OCIRepository still written in
/// source.toolkit.fluxcd.io/v1beta2, as the repository has it); the tenant's GitRepository and Kustomization run as
/// the tenant's ServiceAccount in its namespace, and the tenant's repository (HelmRepository v1beta1, HelmRelease
/// v2beta1, as its dev-team branch has them) installs its app. A tenant cannot reach another namespace's source,
/// nor act beyond the default ServiceAccount's rights. The manifests name the public addresses (github.com, ghcr.io,
/// stefanprodan.github.io); the node's tide.sources.mirrors send every request to the local servers instead.
/// </summary>
public sealed class FluxMultiTenancyLayoutTests
{
    private static string Podinfo => Path.Combine(TestPaths.Corpus, "helm", "podinfo", "chart");

    /// <summary>What Flux's components bring for the platform: the controller's ServiceAccount, bound to cluster-admin.</summary>
    private const string GotkComponents = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: kustomize-controller
          namespace: flux-system
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: cluster-reconciler-flux-system
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
        - kind: ServiceAccount
          name: kustomize-controller
          namespace: flux-system
        """;

    private const string FluxSystemKustomization = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - gotk-components.yaml
          - gotk-sync.yaml
        patches:
          - patch: |
              - op: add
                path: /spec/serviceAccountName
                value: kustomize-controller
            target:
              kind: Kustomization
              name: "flux-system"
        """;

    private const string Infrastructure = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: kyverno
          namespace: flux-system
        spec:
          interval: 720m0s
          sourceRef:
            kind: GitRepository
            name: flux-system
          serviceAccountName: kustomize-controller
          path: ./infrastructure/kyverno
          prune: true
          wait: true
          timeout: 1m
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: kyverno-policies
          namespace: flux-system
        spec:
          dependsOn:
            - name: kyverno
          interval: 15m0s
          sourceRef:
            kind: GitRepository
            name: flux-system
          serviceAccountName: kustomize-controller
          path: ./infrastructure/kyverno-policies
          prune: true
        """;

    private const string Tenants = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: tenants
          namespace: flux-system
        spec:
          dependsOn:
            - name: kyverno-policies
          interval: 5m
          serviceAccountName: kustomize-controller
          sourceRef:
            kind: GitRepository
            name: flux-system
          path: ./tenants/staging
          prune: true
        """;

    private const string KyvernoSource = """
        apiVersion: source.toolkit.fluxcd.io/v1beta2
        kind: OCIRepository
        metadata:
          name: kyverno-controller
          namespace: flux-system
        spec:
          interval: 120m0s
          provider: generic
          url: oci://ghcr.io/kyverno/manifests/kyverno
          ref:
            tag: "v1.14.4"
        """;

    private const string KyvernoSync = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: kyverno-controller
          namespace: flux-system
        spec:
          interval: 720m0s
          sourceRef:
            kind: OCIRepository
            name: kyverno-controller
          serviceAccountName: kustomize-controller
          path: ./
          prune: true
          wait: true
          timeout: 1m
        """;

    private const string KyvernoManifests = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: clusterpolicies.kyverno.io
        spec:
          group: kyverno.io
          names: {kind: ClusterPolicy, listKind: ClusterPolicyList, plural: clusterpolicies, singular: clusterpolicy}
          scope: Cluster
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kyverno
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: kyverno-admission-controller
          namespace: kyverno
        spec:
          replicas: 1
          selector:
            matchLabels: {app: kyverno}
          template:
            metadata:
              labels: {app: kyverno}
            spec:
              containers:
              - name: kyverno
                image: example.dev/kyverno:v1.14.4
        """;

    private const string Policy = """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: verify-git-repositories
        spec:
          validationFailureAction: Audit
          rules:
            - name: github-repositories-only
              match:
                any:
                - resources:
                    kinds:
                      - GitRepository
        """;

    private const string TenantRbac = """
        apiVersion: v1
        kind: Namespace
        metadata:
          labels:
            toolkit.fluxcd.io/tenant: dev-team
          name: apps
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          labels:
            toolkit.fluxcd.io/tenant: dev-team
          name: dev-team
          namespace: apps
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          labels:
            toolkit.fluxcd.io/tenant: dev-team
          name: gotk-reconciler
          namespace: apps
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
        - kind: User
          name: gotk:apps:reconciler
        - kind: ServiceAccount
          name: dev-team
          namespace: apps
        """;

    private const string TenantSync = """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: dev-team
          namespace: apps
        spec:
          interval: 1m
          url: https://github.com/fluxcd/flux2-multi-tenancy
          ref:
            branch: dev-team
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: dev-team
          namespace: apps
        spec:
          serviceAccountName: dev-team
          interval: 5m
          sourceRef:
            kind: GitRepository
            name: dev-team
          prune: true
        """;

    private const string TenantRepository = """
        apiVersion: source.toolkit.fluxcd.io/v1beta1
        kind: HelmRepository
        metadata:
          name: podinfo
          namespace: apps
        spec:
          interval: 5m
          url: https://stefanprodan.github.io/podinfo
        """;

    private const string TenantRelease = """
        apiVersion: helm.toolkit.fluxcd.io/v2beta1
        kind: HelmRelease
        metadata:
          name: podinfo
          namespace: apps
        spec:
          serviceAccountName: dev-team
          releaseName: podinfo
          chart:
            spec:
              chart: podinfo
              sourceRef:
                kind: HelmRepository
                name: podinfo
          interval: 5m
        """;

    /// <summary>What a tenant must not be able to do: read the platform's source, and act as nobody in particular
    /// (the default ServiceAccount, which has no rights) outside its namespace.</summary>
    private const string TenantOverreach = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: platform-source
          namespace: apps
        spec:
          serviceAccountName: dev-team
          interval: 5m
          retryInterval: 2s
          sourceRef:
            kind: GitRepository
            name: flux-system
            namespace: flux-system
          path: ./infrastructure/kyverno-policies
          prune: true
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: no-account
          namespace: apps
        spec:
          interval: 5m
          retryInterval: 2s
          sourceRef:
            kind: GitRepository
            name: dev-team
          path: ./escape
          prune: true
        """;

    [Fact]
    public async Task MultiTenancy_ReconcilesReady_UnderLockdown()
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 0, extraConfig: """
            tide.no-cross-namespace-refs = on
            tide.default-service-account = default
            """);
        await using var registry = await OciRegistryServer.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await env.AddNodeAsync($$"""
            tide.sources.mirrors = [
              { from = "https://github.com/fluxcd/flux2-multi-tenancy", to = "{{env.Git.RepositoryUrl("dev-team")}}" }
              { from = "https://ghcr.io/", to = "http://{{registry.Host}}/" }
              { from = "https://stefanprodan.github.io/podinfo", to = "{{charts.Url.TrimEnd('/')}}" }
            ]
            """);
        using var kyverno = new TempDirectory();
        kyverno.Write("manifests.yaml", KyvernoManifests);
        await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "push", "artifact", $"oci://{registry.Host}/kyverno/manifests/kyverno:v1.14.4",
            "--path", kyverno.Path, "--source", "https://example.invalid/kyverno.git", "--revision", "v1.14.4@sha1:0123456789abcdef",
            "--insecure-registry"]);

        var tenant = await env.CreateRepositoryAsync("dev-team");
        tenant.Write("base/kustomization.yaml", "resources:\n  - podinfo-repository.yaml\n  - podinfo-release.yaml\n");
        tenant.Write("base/podinfo-repository.yaml", TenantRepository);
        tenant.Write("base/podinfo-release.yaml", TenantRelease);
        tenant.Write("staging/kustomization.yaml", "resources:\n  - ../base\n  - overreach.yaml\n");
        tenant.Write("staging/overreach.yaml", TenantOverreach);
        tenant.Write("escape/configmap.yaml", Manifests.ConfigMap("kube-system", "tenant-was-here", "x"));
        await tenant.CommitAndPushAsync("dev-team", branch: "dev-team");

        var fleet = await env.CreateRepositoryAsync("fleet");
        var url = env.Git.RepositoryUrl("fleet");
        fleet.Write("clusters/staging/flux-system/gotk-components.yaml", GotkComponents);
        fleet.Write("clusters/staging/flux-system/gotk-sync.yaml", FluxExampleLayoutTests.GotkSync(url));
        fleet.Write("clusters/staging/flux-system/kustomization.yaml", FluxSystemKustomization);
        fleet.Write("clusters/staging/infrastructure.yaml", Infrastructure);
        fleet.Write("clusters/staging/tenants.yaml", Tenants);
        fleet.Write("infrastructure/kyverno/kustomization.yaml", "resources:\n  - source.yaml\n  - sync.yaml\n");
        fleet.Write("infrastructure/kyverno/source.yaml", KyvernoSource);
        fleet.Write("infrastructure/kyverno/sync.yaml", KyvernoSync);
        fleet.Write("infrastructure/kyverno-policies/kustomization.yaml", "resources:\n  - verify-git-repositories.yaml\n");
        fleet.Write("infrastructure/kyverno-policies/verify-git-repositories.yaml", Policy);
        fleet.Write("tenants/base/dev-team/kustomization.yaml", "namespace: apps\nresources:\n  - rbac.yaml\n  - sync.yaml\n");
        fleet.Write("tenants/base/dev-team/rbac.yaml", TenantRbac);
        fleet.Write("tenants/base/dev-team/sync.yaml", TenantSync);
        fleet.Write("tenants/staging/kustomization.yaml",
            "namespace: apps\nresources:\n  - ../base/dev-team\npatches:\n  - path: dev-team-patch.yaml\n");
        fleet.Write("tenants/staging/dev-team-patch.yaml", """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: dev-team
              namespace: apps
            spec:
              path: ./staging
            """);
        await fleet.CommitAndPushAsync("fleet");

        // As bootstrap leaves it: the cluster's flux-system directory built (its patch gives flux-system the
        // controller's ServiceAccount, which lockdown requires) and applied once.
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("apply", "-k", Path.Combine(fleet.WorkPath, "clusters", "staging", "flux-system"));

        foreach (var ks in new[] { "flux-system", "kyverno", "kyverno-controller", "kyverno-policies", "tenants" })
            await FluxExampleLayoutTests.WaitReadyAsync(env, "kustomization/" + ks, "flux-system");
        await FluxExampleLayoutTests.WaitReadyAsync(env, "kustomization/dev-team", "apps");
        await FluxExampleLayoutTests.WaitReadyAsync(env, "helmrelease/podinfo", "apps");
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("deployment/podinfo", "apps",
            "{.status.conditions[?(@.type==\"Available\")].status}"));
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("deployment/kyverno-admission-controller", "kyverno",
            "{.status.conditions[?(@.type==\"Available\")].status}"));
        Assert.Equal("verify-git-repositories", await env.Kubectl.JsonPathAsync("clusterpolicy/verify-git-repositories", null, "{.metadata.name}"));
        // The old API versions the repositories hold are served: the same objects read back in the current version.
        Assert.Equal("source.toolkit.fluxcd.io/v1", await env.Kubectl.JsonPathAsync("ocirepositories.v1.source.toolkit.fluxcd.io/kyverno-controller",
            "flux-system", "{.apiVersion}"));

        // Lockdown: the platform's source is out of the tenant's reach, and without a ServiceAccount a tenant acts as
        // its namespace's default one, which may not write to kube-system.
        var crossNamespace = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/platform-source", "apps",
            "{.status.conditions[?(@.type==\"Ready\")].message}"), m => !string.IsNullOrEmpty(m), TimeSpan.FromSeconds(60), "platform-source refused");
        Assert.Contains("cross-namespace references are not allowed", crossNamespace);
        var noAccount = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/no-account", "apps",
                "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].message}"),
            m => m?.StartsWith("False|", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "no-account refused");
        Assert.Contains("system:serviceaccount:apps:default", noAccount);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/tenant-was-here", "kube-system", "{.metadata.name}"));
    }
}
