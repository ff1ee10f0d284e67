namespace Tide.Engine.Tests.Kustomize.Yaml;

/// <summary>
/// The writer's quoting, folding and block styles, on values chosen to hit each rule of the go-yaml emitter,
/// compared with what `kubectl kustomize` prints for the same ConfigMap.
/// </summary>
public sealed class ManifestWriterTests
{
    [Fact]
    public void TrickyScalars_AreWrittenLikeKubectlKustomize()
    {
        const string configMap = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: tricky
              annotations:
                a10: natural order
                a9: natural order
                B: upper
                _x: underscore
            data:
              yes: "y"
              bool: "true"
              yes-word: "yes"
              on: "on"
              octal: "0755"
              int: "42"
              float: "1.5"
              exp: "1e3"
              date: "2024-01-02"
              null-word: "null"
              empty: ""
              tilde: "~"
              star: "*star"
              colon: "a: b"
              hash: "a #b"
              dash: "- item"
              lead: " leading"
              trail: "trailing "
              quote: "it's"
              dq: 'say "hi"'
              tab: "a\tb"
              unicode: "héllo wörld ✓"
              emoji: "smile 😀"
              multi: "line1\nline2\n"
              multi-trailing-space: "line1 \nline2"
              keep: "a\n\n"
              indent: "  indented\nsecond\n"
              long: "this is a long plain sentence that keeps going well past the eighty column limit of the emitter"
              long-quoted: "123 this is a long double quoted sentence that keeps going well past the eighty column limit"
              base60: "1:30"
              hex: "0x1F"
            binaryData: {}
            immutable: false
            """;
        KubectlOracle.AssertSameOutput(new Dictionary<string, string>
        {
            ["kustomization.yaml"] = "resources:\n- cm.yaml\n",
            ["cm.yaml"] = configMap,
        });
    }

    [Fact]
    public void NumbersAndNulls_KeepKustomizeTypes()
    {
        KubectlOracle.AssertSameOutput(new Dictionary<string, string>
        {
            ["kustomization.yaml"] = "resources:\n- r.yaml\n",
            ["r.yaml"] = "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  octal: 0755\n  hex: 0x10\n  float: 1.50\n  big: 12345678901234\n  exp: 1e3\n  neg: -0.25\n  nothing: null\n  tilde: ~\n  list: []\n  yes: yes\n  date: 2024-01-02\n  stamp: 2001-12-14t21:59:43.10-05:00\n  spaced: 2001-12-14 21:59:43.10\n",
        });
    }

    [Fact]
    public void InputStyles_AreReadLikeGoYaml()
    {
        const string input = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: styles
              labels: &labels
                app: x
            data:
              folded: >
                folded text
                continues here

                new paragraph
              folded-strip: >-
                a
                b
              literal-keep: |+
                kept

              single: 'it''s quoted'
              double: "tab\there \u00e9 \x41"
              plain-multi: first line
                second line
              flow: "{a: 1}"
              anchor-use: x
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: flow-styles
              labels: {app: y, tier: "web"}
            data: {k1: v1, k2: "v2"}
            ...
            """;
        KubectlOracle.AssertSameOutput(new Dictionary<string, string>
        {
            ["kustomization.yaml"] = "resources:\n- cm.yaml\n",
            ["cm.yaml"] = input,
        });
    }
}
