namespace Tide.Engine.Tests.Kustomize.Transformers;

/// <summary>Less common paths through the transformers, compared byte for byte with `kubectl kustomize`.</summary>
public sealed class EdgeCaseTests
{
    private const string Custom = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
        spec:
          items:
          - name: a
            value: "1"
          - name: b
            value: "2"
          ports:
          - 80
          - 443
        """;

    private static readonly Dictionary<string, Dictionary<string, string>> Cases = new()
    {
        ["customResourceListPatch"] = new()
        {
            ["kustomization.yaml"] = "resources:\n- w.yaml\npatches:\n- patch: |-\n    apiVersion: example.com/v1\n    kind: Widget\n    metadata:\n      name: w\n    spec:\n      items:\n      - name: b\n        value: \"3\"\n      ports:\n      - 8080\n",
            ["w.yaml"] = Custom,
        },
        ["replacementsCreateMissingField"] = new()
        {
            ["kustomization.yaml"] = "resources:\n- w.yaml\nreplacements:\n- source:\n    kind: Widget\n    name: w\n    fieldPath: spec.items.[name=a].value\n  targets:\n  - select:\n      kind: Widget\n    fieldPaths:\n    - metadata.annotations.copied\n    - spec.extra.deep\n    options:\n      create: true\n",
            ["w.yaml"] = Custom,
        },
        ["imagesWithRegistryPortAndNoTag"] = new()
        {
            ["kustomization.yaml"] = "resources:\n- pod.yaml\nimages:\n- name: registry.local:5000/team/app\n  newTag: v3\n- name: plain\n  newName: other/plain\n",
            ["pod.yaml"] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: init\n    image: plain\n  containers:\n  - name: app\n    image: registry.local:5000/team/app\n  - name: app2\n    image: registry.local:5000/team/app:v1@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\n",
        },
        ["cronJobGetsLabelsAnnotationsImagesAndPrefix"] = new()
        {
            ["kustomization.yaml"] = "resources:\n- cron.yaml\nnamePrefix: p-\ncommonLabels:\n  a: b\ncommonAnnotations:\n  c: d\nimages:\n- name: busybox\n  newTag: \"1.36\"\nconfigMapGenerator:\n- name: cfg\n  literals: [k=v]\n",
            ["cron.yaml"] = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job\nspec:\n  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: c\n            image: busybox\n            envFrom:\n            - configMapRef:\n                name: cfg\n",
        },
        // kustomize knows cluster scope from a Kubernetes 1.21 schema: newer group versions get a namespace.
        ["namespaceFollowsKustomizesApiKnowledge"] = new()
        {
            ["kustomization.yaml"] = "namespace: x\nresources:\n- r.yaml\n",
            ["r.yaml"] = "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: n0\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: n1\n---\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: n2\n---\napiVersion: networking.k8s.io/v1beta1\nkind: IPAddress\nmetadata:\n  name: n3\n---\napiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata:\n  name: n4\n---\napiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: n5\n---\napiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: n6\n---\napiVersion: storage.k8s.io/v1beta1\nkind: VolumeAttributesClass\nmetadata:\n  name: n7\n---\napiVersion: v1\nkind: ComponentStatus\nmetadata:\n  name: n8\n---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: n9\n",
        },
        ["namespaceWithClusterScopedAndWebhook"] = new()
        {
            ["kustomization.yaml"] = "namespace: sys\nnamePrefix: p-\nresources:\n- r.yaml\n",
            ["r.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: hook\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: vwc\nwebhooks:\n- name: a.example.com\n  clientConfig:\n    service:\n      name: hook\n      namespace: default\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cr\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: default\n",
        },
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name) => KubectlOracle.AssertSameOutput(Cases[name]);
}
