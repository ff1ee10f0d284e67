namespace Tide.Engine.Tests.Kustomize.Transformers;

/// <summary>
/// Behaviours found on real repositories outside the corpus (issue 12), each compared byte for byte with
/// `kubectl kustomize`: nulls and empty maps from patches, replacement value types, vars in several namespaces,
/// replacements files, JSON patch tolerances, generator merges without hash suffix, escaped dots, "$$" in vars.
/// </summary>
public sealed class RealRepositoryBehaviourTests
{
    private static readonly Dictionary<string, (Dictionary<string, string> Files, string Entry)> Cases = new()
    {
        ["strategicMergeNullsAndEmptyMaps"] = (new()
        {
            ["d.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\ndata:\n  a: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c3\n  annotations:\n    gone: x\ndata:\n  a: b\n",
            ["kustomization.yaml"] = "resources:\n- d.yaml\npatchesStrategicMerge:\n- p1.yaml\npatches:\n- path: p2.yaml\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c3\n      annotations:\n        gone: null\n        new: null\n      labels: {}\n    data:\n      x: null\n      y: {}\n",
            ["p1.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations: {}\n  labels: null\nspec:\n  strategy: {}\n  selector: null\n  template:\n    metadata:\n      annotations:\n        a: null\n      labels: {}\n    spec:\n      affinity: null\n      securityContext: {}\n      containers:\n      - name: c\n        env:\n        - name: X\n          value: null\n        resources: {}\n        securityContext:\n          runAsUser: null\n",
            ["p2.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n  annotations:\n    k: null\n  labels:\ndata:\n  a: null\n  new: null\n",
        }, "."),
        ["replacementsKeepTheTargetsType"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: src\n    fieldPath: data.flag\n  targets:\n  - select:\n      kind: ConfigMap\n      name: dst\n    fieldPaths:\n    - data.flag\n    - metadata.annotations.flag\n- source:\n    kind: ConfigMap\n    name: src\n    fieldPath: data.empty\n  targets:\n  - select:\n      kind: ConfigMap\n      name: dst\n    fieldPaths:\n    - data.empty\n    - spec.x\n    options:\n      create: true\n- source:\n    kind: ConfigMap\n    name: src\n    fieldPath: data.num\n  targets:\n  - select:\n      kind: ConfigMap\n      name: dst\n    fieldPaths:\n    - data.num\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  flag: \"false\"\n  empty: \"\"\n  num: \"123\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dst\n  annotations:\n    flag: x\ndata:\n  flag: x\n  empty: x\n  num: x\n",
        }, "."),
        ["replacementsIntoCreatedAndTypedFields"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nconfigMapGenerator:\n- name: gen\n  literals:\n  - one=1\n  - f=false\nreplacements:\n- source: {kind: ConfigMap, name: src, fieldPath: data.one}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.metadata.annotations.one, spec.replicas, spec.template.metadata.labels.one]\n    options: {create: true}\n- source: {kind: ConfigMap, name: gen, fieldPath: data.one}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [metadata.annotations.gen, spec.newfield]\n    options: {create: true}\n- source: {kind: ConfigMap, name: gen, fieldPath: data.f}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.genf]\n    options: {create: true}\n- source: {kind: ConfigMap, name: src, fieldPath: data.empty}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.empty, spec.template.spec.containers.0.args.0]\n    options: {create: true}\n- source: {kind: Deployment, name: d, fieldPath: spec.replicas}\n  targets:\n  - select: {kind: ConfigMap, name: src}\n    fieldPaths: [data.rep, data.new]\n    options: {create: true}\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  one: \"1\"\n  empty: \"\"\n  rep: x\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: c\n        args: [\"a\"]\n",
        }, "."),
        ["varsTiedToTheirKustomizationsResources"] = (new()
        {
            ["a/kustomization.yaml"] = "namespace: a\nresources:\n- r.yaml\nvars:\n- name: SVC\n  objref: {kind: Service, name: web, apiVersion: v1}\n- name: PORT\n  objref: {kind: Service, name: web, apiVersion: v1}\n  fieldref:\n    fieldpath: spec.ports[0].port\n",
            ["a/r.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    args: [\"$(SVC).$(WEBNS)\", \"$$(SVC)\", \"$(PORT)\", \"p$(PORT)\"]\n    env:\n    - name: P\n      value: $(PORT)\n",
            ["b/kustomization.yaml"] = "namespace: b\nresources:\n- r.yaml\n",
            ["b/r.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
            ["kustomization.yaml"] = "resources:\n- a\n- b\nvars:\n- name: WEBNS\n  objref: {kind: Service, name: web, apiVersion: v1, namespace: b}\n  fieldref: {fieldpath: metadata.namespace}\n",
        }, "."),
        ["varEscapesAndTypes"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nvars:\n- name: NAME\n  objref: {kind: ConfigMap, name: c, apiVersion: v1}\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    command: [\"$(NAME)\", \"$$(NAME)\", \"$$$(NAME)\", \"$$(OTHER)\", \"$(OTHER)\", \"a$$b\"]\n    env:\n    - name: X\n      value: \"$$(NAME)-$(NAME)\"\n",
        }, "."),
        ["replacementsFileWithAListOrNone"] = (new()
        {
            ["empty.yaml"] = "[]\n",
            ["kustomization.yaml"] = "resources:\n- r.yaml\nreplacements:\n- path: empty.yaml\n- path: list.yaml\n",
            ["list.yaml"] = "- source: {kind: ConfigMap, name: c}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.a]\n    options: {create: true}\n- source: {kind: ConfigMap, name: c}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.b]\n    options: {create: true}\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        }, "."),
        ["replacementPathWithEscapedDots"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nreplacements:\n- source: {kind: ConfigMap, name: c, fieldPath: metadata.name}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: ['metadata.annotations.example\\.org/x', 'metadata.labels.a\\.b']\n    options: {create: true}\n- source: {kind: ConfigMap, name: c, fieldPath: 'metadata.annotations.example\\.org/y'}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.y]\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    example.org/y: why\n    example.org/x: old\ndata:\n  y: z\n",
        }, "."),
        ["generatorMergeKeepsTheBasesHashChoice"] = (new()
        {
            ["base/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand\ndata:\n  h: \"1\"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sec\ntype: Opaque\ndata:\n  a: YQ==\n",
            ["base/kustomization.yaml"] = "resources:\n- cm.yaml\nconfigMapGenerator:\n- name: gen\n  literals: [a=1]\n  options:\n    disableNameSuffixHash: true\n- name: hashed\n  literals: [a=1]\ngeneratorOptions:\n  labels:\n    x: \"yes\"\n",
            ["overlay/kustomization.yaml"] = "resources:\n- ../base\nconfigMapGenerator:\n- name: gen\n  behavior: merge\n  literals: [b=2]\n- name: hand\n  behavior: merge\n  literals: [c=3]\n- name: hashed\n  behavior: merge\n  literals: [b=2]\nsecretGenerator:\n- name: sec\n  behavior: merge\n  literals: [b=2]\n",
        }, "overlay"),
        ["annotationsNullEmptyAndNullValues"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {}\n  labels: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    x: null\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  annotations:\n    x: ~\n    \"y\":\n    z: !!null null\n    w: NULL\n",
        }, "."),
        ["jsonPatchToleratesWhatKustomizeTolerates"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - op: replace\n      path: /data/missing\n      value: \"2\"\n    - op: add\n      path: /data/novalue\n    - op: add\n      path: /list/-1\n      value: beforeLast\n    - op: remove\n      path: /list/-1\n    - op: replace\n      path: /list/-2\n      value: secondToLast\n    - op: add\n      path: /metadata/annotations/example.org~1x\n      value: added\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\nlist:\n- x\n- \"y\"\n- z\n",
        }, "."),
        ["strategicMergeDropsBareNullsOfThePatchedObject"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          securityContext:\n            runAsUser: 1\n",
            ["r.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels:\n    n:\nspec:\n  top: null\n  nested:\n    a: null\n    b: {}\n    c: []\n    d:\n      e: ~\n  template:\n    spec:\n      affinity:\n        nodeAffinity:\n          x:\n      containers:\n      - name: c\n        image: i\n        args: [null, a]\n        resources:\n          limits: null\n        env:\n        - name: A\n          value: null\n      volumes:\n      - name: v\n        emptyDir: null\n      plain:\n      - k: null\n      initContainers:\n      - name: i\n        image: i\n        resources:\n          limits:\n        envFrom:\n        - configMapRef:\n            name:\n      other:\n      - k:\n",
        }, "."),
        ["generatorReplaceHashesOnlyWhenBothAsk_UnknownBehaviorCreates"] = (new()
        {
            ["base/kustomization.yaml"] = "configMapGenerator:\n- name: cfg\n  literals: [A=1]\n- name: cfg2\n  literals: [A=1]\n",
            ["overlay/kustomization.yaml"] = "resources:\n- ../base\ngeneratorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: cfg\n  behavior: replace\n  literals: [B=2]\n- name: extra\n  behavior: add\n  literals: [C=3]\n",
        }, "overlay"),
        ["selectorLabelsDoNotCreateVolumeClaimTemplates"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- sts.yaml\nlabels:\n- includeSelectors: true\n  pairs:\n    app: a\n",
            ["sts.yaml"] = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: t\nspec:\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n",
        }, "."),
        ["strategicMergeCollapsesDuplicateKeysAsKyaml"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          volumes:\n          - name: w\n            $patch: delete\n          - name: z\n            emptyDir: {}\n          containers:\n          - name: b\n            imagePullPolicy: Always\n          - name: a\n            env:\n            - name: B\n              value: \"y\"\n            - name: C\n              value: new\n",
            ["r.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      volumes:\n      - name: v\n        emptyDir: {}\n      - name: w\n        emptyDir: {}\n      - name: v\n        configMap:\n          name: x\n      containers:\n      - name: a\n        image: i\n        env:\n        - name: A\n          value: \"1\"\n        - name: B\n          value: x\n        - name: A\n          value: \"2\"\n        - value: nokey\n        ports:\n        - containerPort: 80\n          name: a\n        - containerPort: 80\n          protocol: UDP\n          name: b\n        - containerPort: 80\n          name: c\n      - name: b\n        image: j\n",
        }, "."),
        ["strategicMergeOfDuplicateContainers"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            imagePullPolicy: Always\n",
            ["r.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n        env:\n        - name: A\n          value: \"1\"\n        - name: B\n          value: x\n        - name: A\n          value: \"2\"\n        ports:\n        - containerPort: 80\n          name: a\n        - containerPort: 80\n          name: b\n      - name: c\n        image: j\n",
        }, "."),
        ["strategicMergeOfAScalarSet"] = (new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c\n      finalizers: [c, a]\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: [a, b, a]\n",
        }, "."),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name) => KubectlOracle.AssertSameOutput(Cases[name].Files, Cases[name].Entry);

    [Fact]
    public void VarMatchingServicesInTwoNamespaces_WithoutNamespace_FailsLikeKustomize()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nvars:\n- name: SVC\n  objref: {kind: Service, name: web, apiVersion: v1}\n",
            ["r.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: b\n",
        });
        Assert.Contains("found 2 resId matches for var SVC (unable to disambiguate)", message);
    }

    [Fact]
    public void ReplacementsFileWithoutAReplacement_FailsLikeKustomize()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\nreplacements:\n- path: repl.yaml\n",
            ["r.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
            ["repl.yaml"] = "# nothing yet\n",
        });
        Assert.Contains("unsupported replacement type encountered within replacement path: invalid", message);
    }
}
