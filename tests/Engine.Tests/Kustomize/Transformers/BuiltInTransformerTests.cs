namespace Tide.Engine.Tests.Kustomize.Transformers;

/// <summary>
/// Each built-in transformer of a kustomization file, compared byte for byte with `kubectl kustomize` on the
/// same files (expectations are produced by the real kustomize when the test runs).
/// </summary>
public sealed class BuiltInTransformerTests
{
    private static readonly Dictionary<string, Dictionary<string, string>> Cases = new()
    {
        ["namespace_SetsNamespacedKindsAndDefaultSubjects"] = Fixtures.App("namespace: prod\n"),
        ["namespace_RenamesNamespaceObjects"] = Fixtures.App("namespace: prod\n",
            ("deployment.yaml", Fixtures.Deployment + "\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n")),
        ["namePrefix_RewritesReferences"] = Fixtures.App("namePrefix: p-\n"),
        ["nameSuffix_RewritesReferences"] = Fixtures.App("nameSuffix: -s\n"),
        ["prefixSuffixNamespace_Together"] = Fixtures.App("namePrefix: p-\nnameSuffix: -s\nnamespace: team\n"),
        ["commonLabels_ReachSelectorsAndTemplates"] = Fixtures.App("commonLabels:\n  team: a\n  \"on\": \"yes\"\n"),
        ["labels_WithoutSelectors"] = Fixtures.App("labels:\n- pairs:\n    team: a\n"),
        ["labels_IncludeSelectors"] = Fixtures.App("labels:\n- pairs:\n    team: a\n  includeSelectors: true\n"),
        ["labels_IncludeTemplates"] = Fixtures.App("labels:\n- pairs:\n    team: a\n  includeTemplates: true\n"),
        ["labels_CustomFields"] = Fixtures.App("labels:\n- pairs:\n    team: a\n  fields:\n  - path: spec/template/metadata/annotations\n    kind: Deployment\n    create: true\n"),
        ["commonAnnotations_ReachTemplates"] = Fixtures.App("commonAnnotations:\n  note: \"a long note that is long enough to be folded by the writer when it passes eighty columns\"\n  num: \"42\"\n"),
        ["images_NewTag"] = Fixtures.App("images:\n- name: nginx\n  newTag: \"1.27\"\n"),
        ["images_NewNameAndDigest"] = Fixtures.App("images:\n- name: busybox\n  newName: registry.local:5000/busybox\n  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\n"),
        ["images_TagAndDigest"] = Fixtures.App("images:\n- name: nginx\n  newName: mirror/nginx\n  newTag: v2\n  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\n"),
        ["replicas_SetsCount"] = Fixtures.App("replicas:\n- name: web\n  count: 5\n"),
        ["sortOptions_Fifo"] = Fixtures.App("sortOptions:\n  order: fifo\n"),
        ["sortOptions_LegacyCustomOrder"] = Fixtures.App("sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst: [Deployment]\n    orderLast: [ServiceAccount]\n"),
        ["buildMetadata_ManagedByAndOrigin"] = Fixtures.App("buildMetadata: [managedByLabel, originAnnotations]\n"),
        ["replacements_CopyIntoDelimitedField"] = Fixtures.App("""
            replacements:
            - source:
                kind: Service
                name: web
                fieldPath: spec.ports.0.port
              targets:
              - select:
                  kind: Deployment
                fieldPaths:
                - spec.template.spec.containers.[name=app].env.[name=A].value
              - select:
                  kind: Deployment
                fieldPaths:
                - spec.template.spec.containers.[name=sidecar].image
                options:
                  delimiter: ':'
                  index: 1
            """),
        ["vars_SubstituteInArgs"] = Fixtures.App("""
            vars:
            - name: SVC
              objref:
                kind: Service
                name: web
                apiVersion: v1
            """,
            ("deployment.yaml", Fixtures.Deployment.Replace("image: busybox", "image: busybox\n        args: [\"--target=$(SVC)\"]"))),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name) => KubectlOracle.AssertSameOutput(Cases[name]);
}
