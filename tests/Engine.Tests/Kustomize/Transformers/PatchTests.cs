namespace Tide.Engine.Tests.Kustomize.Transformers;

/// <summary>
/// Strategic merge patches (each directive), JSON 6902 patches and patch targets, compared byte for byte with
/// `kubectl kustomize` on the same files.
/// </summary>
public sealed class PatchTests
{
    private static Dictionary<string, string> Patched(string patchesBody, params (string Path, string Content)[] extra) =>
        Fixtures.App(patchesBody, extra);

    private static Dictionary<string, string> Smp(string patch) =>
        Patched("patches:\n- path: patch.yaml\n", ("patch.yaml", patch));

    private const string Header = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

    private static readonly Dictionary<string, Dictionary<string, string>> Cases = new()
    {
        ["smp_MergesContainersByName_NewFirst"] = Smp(Header + """
            spec:
              template:
                spec:
                  containers:
                  - name: proxy
                    image: envoy
                  - name: app
                    env:
                    - name: B
                      value: "2"
                    ports:
                    - containerPort: 9090
            """),
        ["smp_NullDeletesField"] = Smp(Header + "spec:\n  replicas: null\n  template:\n    spec:\n      serviceAccountName: null\n"),
        ["smp_PatchDeleteListElement"] = Smp(Header + "spec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        $patch: delete\n"),
        ["smp_PatchReplaceMap"] = Smp(Header + "spec:\n  template:\n    metadata:\n      $patch: replace\n      labels:\n        app: web\n        replaced: \"true\"\n"),
        ["smp_PatchReplaceList"] = Smp(Header + "spec:\n  template:\n    spec:\n      containers:\n      - $patch: replace\n      - name: only\n        image: alpine\n"),
        ["smp_PatchDeleteWholeObject"] = Smp(Header + "$patch: delete\n"),
        ["smp_RetainKeys_KeptAsFieldLikeKustomize"] = Smp(Header + "spec:\n  strategy:\n    $retainKeys: [type]\n    type: Recreate\n"),
        ["smp_DeleteFromPrimitiveList_KeptAsFieldLikeKustomize"] = Smp(Header.Replace("name: web\n", "name: web\n  finalizers: [a, b, c]\n") + "  $deleteFromPrimitiveList/finalizers: [b]\n"),
        ["smp_SetElementOrder_KeptAsFieldLikeKustomize"] = Smp(Header + "spec:\n  template:\n    spec:\n      $setElementOrder/containers:\n      - name: sidecar\n      - name: app\n      containers:\n      - name: app\n        image: nginx:2\n"),
        ["smp_ScalarListReplaced"] = Smp(Header + "spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        args: [x, y]\n"),
        ["smp_MergeKeysOfOtherLists"] = Smp(Header + """
              finalizers: [example.com/b]
            spec:
              template:
                spec:
                  imagePullSecrets:
                  - name: pull
                  hostAliases:
                  - ip: 10.0.0.1
                    hostnames: [db]
                  tolerations:
                  - key: k
                    operator: Exists
                  volumes:
                  - name: cache
                    emptyDir: {}
                  containers:
                  - name: app
                    volumeMounts:
                    - name: cache
                      mountPath: /cache
                    - name: data
                      mountPath: /data
                      readOnly: true
            """),
        ["smp_ServicePortsMergeByPort"] = Patched("patches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: web\n    spec:\n      ports:\n      - port: 443\n        targetPort: 8443\n      - port: 80\n        name: http\n"),
        ["smp_TargetByLabelSelector"] = Patched("patches:\n- target:\n    kind: Deployment\n    labelSelector: app=web\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: any\n    spec:\n      minReadySeconds: 5\n"),
        ["patchesStrategicMerge_FileAndInline"] = Patched(
            "patchesStrategicMerge:\n- patch.yaml\n- |-\n  apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    type: NodePort\n",
            ("patch.yaml", Header + "spec:\n  replicas: 3\n")),
        ["json6902_AddReplaceRemove"] = Patched("""
            patches:
            - target:
                kind: Deployment
                name: web
              patch: |-
                - op: replace
                  path: /spec/replicas
                  value: 4
                - op: add
                  path: /spec/template/spec/containers/0/args
                  value: ["--a", "--b"]
                - op: remove
                  path: /spec/template/spec/containers/1
                - op: add
                  path: /metadata/annotations
                  value:
                    a/b: "x"
            """),
        ["json6902_MoveCopyTest_JsonSyntax"] = Patched(
            "patchesJson6902:\n- target:\n    version: v1\n    kind: Service\n    name: web\n  path: ops.json\n",
            ("ops.json", """[{"op":"test","path":"/spec/ports/0/port","value":80},{"op":"copy","from":"/spec/ports/0","path":"/spec/ports/-"},{"op":"move","from":"/spec/selector","path":"/metadata/labels"}]""")),
        ["patches_TargetRegexName"] = Patched("patches:\n- target:\n    kind: (Service|Deployment)\n    name: w.*\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        patched: \"yes\"\n"),
        ["patches_AllowNameChange"] = Patched("patches:\n- path: rename.yaml\n  target:\n    kind: Service\n    name: web\n  options:\n    allowNameChange: true\n",
            ("rename.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: renamed\n")),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name) => KubectlOracle.AssertSameOutput(Cases[name]);
}
