namespace Tide.Engine.Tests.Kustomize.Generators;

/// <summary>configMapGenerator / secretGenerator: sources, options, behaviors and the hash suffix propagated into
/// references, compared byte for byte with `kubectl kustomize`.</summary>
public sealed class GeneratorTests
{
    private static readonly Dictionary<string, Dictionary<string, string>> Cases = new()
    {
        ["configMap_LiteralsFilesEnvs_HashPropagatesToEnvFrom"] = Fixtures.App("""
            configMapGenerator:
            - name: settings
              literals:
              - mode="quoted"
              - count=3
              - flag=true
              files:
              - app.properties
              - renamed.conf=app.properties
              envs:
              - vars.env
            """,
            ("app.properties", "a=1\nlong line with trailing space \n"),
            ("vars.env", "# comment\nX=1\n\n  Y=two words\nZ=\n")),
        // The name hash is taken over Go's JSON: \b and \f have short escapes since Go 1.22, < > & are \u00XX.
        ["configMap_ControlCharactersAndHtml_HashAsGoEscapesThem"] = Fixtures.App("""
            configMapGenerator:
            - name: escapes
              literals:
              - "text=a\bb\fc\x01d<e>&f\u2028g"
            """),
        ["secret_TypeAndLongValueWrapped"] = Fixtures.App("""
            secretGenerator:
            - name: creds
              type: kubernetes.io/basic-auth
              literals:
              - username=admin
              - password=a-very-long-password-that-makes-the-base64-encoding-longer-than-seventy-characters
            """),
        ["generatorOptions_LabelsAnnotationsNoHash"] = Fixtures.App("""
            generatorOptions:
              disableNameSuffixHash: true
              labels:
                generated: "true"
              annotations:
                note: x
            configMapGenerator:
            - name: settings
              literals: [a=b]
              options:
                labels:
                  local: "1"
                immutable: true
            """),
        ["quotesAndEqualsSigns_InEnvsAndLiterals"] = new()
        {
            ["Kustomization"] = "secretGenerator:\n- name: s\n  envs: [q.env]\n  literals:\n  - 'eq=a=b'\n  - \"single='x'\"\nconfigMapGenerator:\n- name: c\n  envs: [q.env]\n",
            ["q.env"] = "Q=\"quoted\"\nS='single'\nSPACE = x\nEMPTY=\n",
        },
        ["behavior_MergeAndReplaceOverBase"] = new()
        {
            ["base/kustomization.yaml"] = "configMapGenerator:\n- name: cfg\n  literals: [a=1, b=2]\n- name: other\n  literals: [x=1]\nresources:\n- pod.yaml\n",
            ["base/pod.yaml"] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    envFrom:\n    - configMapRef:\n        name: cfg\n    - configMapRef:\n        name: other\n",
            ["overlay/kustomization.yaml"] = "resources:\n- ../base\nnamePrefix: o-\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [b=3, c=4]\n- name: other\n  behavior: replace\n  literals: [y=2]\n",
        },
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Build_EqualsKubectlKustomize(string name)
    {
        var files = Cases[name];
        KubectlOracle.AssertSameOutput(files, files.ContainsKey("overlay/kustomization.yaml") ? "overlay" : ".");
    }
}
