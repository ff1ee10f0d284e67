namespace Tide.Engine.Tests.Kustomize.Build;

/// <summary>How kustomizations compose: bases, components, nested overlays, `kind: List`, CRDs kept unprefixed,
/// compared byte for byte with `kubectl kustomize`.</summary>
public sealed class CompositionTests
{
    private static readonly Dictionary<string, (Dictionary<string, string> Files, string Entry)> Cases = new()
    {
        ["components_ApplyToParentResources"] = (new()
        {
            ["base/kustomization.yaml"] = "resources:\n- deployment.yaml\n",
            ["base/deployment.yaml"] = Fixtures.Deployment,
            ["comp/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    feature: \"on\"\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: 2\nconfigMapGenerator:\n- name: feature\n  literals: [enabled=true]\n",
            ["overlay/kustomization.yaml"] = "resources:\n- ../base\ncomponents:\n- ../comp\nnamePrefix: dev-\nnamespace: dev\n",
        }, "overlay"),
        ["nestedOverlays_NamespaceAndPrefixTwice"] = (new()
        {
            ["base/kustomization.yaml"] = "resources:\n- deployment.yaml\n- pvc.yaml\n- rbac.yaml\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\n",
            ["base/deployment.yaml"] = Fixtures.Deployment,
            ["base/pvc.yaml"] = Fixtures.Pvc,
            ["base/rbac.yaml"] = Fixtures.Rbac,
            ["mid/kustomization.yaml"] = "resources:\n- ../base\nnamePrefix: mid-\nnamespace: one\n",
            ["top/kustomization.yaml"] = "resources:\n- ../mid\nnamePrefix: top-\nnamespace: two\ncommonLabels:\n  tier: top\n",
        }, "top"),
        ["listKindAndCrd_CrdNotPrefixed"] = (new()
        {
            ["kustomization.yaml"] = "namePrefix: p-\nnamespace: ns\nresources:\n- list.yaml\n- crd.yaml\n",
            ["list.yaml"] = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: one\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: two\n",
            ["crd.yaml"] = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names:\n    kind: Thing\n    plural: things\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n---\napiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: a-thing\n",
        }, "."),
        ["multiDocumentWithEmptyDocsAndComments"] = (new()
        {
            ["kustomization.yaml"] = "# comment\nresources:\n- all.yaml\n",
            ["all.yaml"] = "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # trailing comment\ndata:\n  k: v\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
        }, "."),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name) => KubectlOracle.AssertSameOutput(Cases[name].Files, Cases[name].Entry);
}
