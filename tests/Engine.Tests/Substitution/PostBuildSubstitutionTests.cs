using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Manifests;
using Tide.Engine.Substitution;

namespace Tide.Engine.Tests.Substitution;

public sealed class PostBuildSubstitutionTests
{
    private static JsonObject Object(string yaml) => ManifestReader.Read(yaml, "test.yaml").Single();

    private static readonly SubstitutionOptions Strict = new();

    [Fact]
    public void Apply_SubstitutesTextAndReparses_SoVariablesCanBecomeNumbers()
    {
        var deployment = Object("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app-${cluster_env}
              namespace: apps
            spec:
              replicas: ${replicas}
              template:
                spec:
                  containers:
                  - name: app
                    image: "registry/${image:=app}:${tag:-latest}"
                    args: ["--region=${cluster_region}", "$${NOT_A_VAR}"]
            """);
        var vars = new Dictionary<string, string> { ["cluster_env"] = "prod", ["replicas"] = "3", ["cluster_region"] = "eu-central-1" };

        var result = PostBuildSubstitution.Apply([deployment], vars, Strict).Single();

        Assert.Equal("app-prod", result["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(3, result["spec"]!["replicas"]!.GetValue<long>());
        var container = result["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("registry/app:latest", container["image"]!.GetValue<string>());
        Assert.Equal("--region=eu-central-1", container["args"]![0]!.GetValue<string>());
        Assert.Equal("${NOT_A_VAR}", container["args"]![1]!.GetValue<string>());
        Assert.Equal("app-${cluster_env}", deployment["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_QuotedNumericStringsStayStrings()
    {
        var cm = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data:
              port: "8080"
              enabled: "true"
              value: ${v}
            """);
        var result = PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { ["v"] = "x" }, Strict).Single();
        Assert.Equal("8080", result["data"]!["port"]!.GetValue<string>());
        Assert.Equal("true", result["data"]!["enabled"]!.GetValue<string>());
        Assert.Equal("x", result["data"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_RoundTripThroughYaml_KeepsEveryValueAndType()
    {
        var data = new JsonObject();
        string[] strings = ["1e3", "0x1F", "0o17", "true", "False", "null", "~", "", "yes", "1.0", " lead", "a: b", "#c", "multi\nline\n", "- item", "{x}", "'q'", "\"dq\"", "back\\slash", "tab\tin"];
        for (var i = 0; i < strings.Length; i++)
            data[$"s{i}"] = strings[i];
        var obj = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "c" },
            ["data"] = data,
            ["numbers"] = new JsonArray(1, -2, 2.5, 1e21, true, null),
        };

        var result = PostBuildSubstitution.Apply([obj], new Dictionary<string, string> { ["unused"] = "x" }, Strict).Single();

        Assert.True(JsonNode.DeepEquals(obj, result), result.ToJsonString());
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("annotations")]
    public void Apply_DisabledByLabelOrAnnotation_LeavesObjectUntouched(string metadataField)
    {
        var cm = Object($$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              {{metadataField}}:
                kustomize.toolkit.fluxcd.io/substitute: disabled
            data:
              script: echo ${undefined_in_strict_mode}
            """);
        var result = PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { ["x"] = "1" }, Strict).Single();
        Assert.Equal("echo ${undefined_in_strict_mode}", result["data"]!["script"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_StrictUndefinedVariable_FailsNamingObjectAndVariable()
    {
        var cm = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: apps}
            data: {region: "${cluster_region}"}
            """);
        var e = Assert.Throws<SubstitutionException>(() =>
            PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { ["other"] = "1" }, Strict));
        Assert.Contains("ConfigMap/apps/settings", e.Message);
        Assert.Contains("\"cluster_region\"", e.Message);
        Assert.Equal("cluster_region", e.Variable);
    }

    [Fact]
    public void Apply_NotStrict_UndefinedBecomesEmpty()
    {
        var cm = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {region: "r-${cluster_region}"}
            """);
        var result = PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { ["other"] = "1" }, Strict with { Strict = false }).Single();
        Assert.Equal("r-", result["data"]!["region"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_NoVariables_SkipsUnlessAlways()
    {
        var cm = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {region: "${region:=eu}"}
            """);
        var none = new Dictionary<string, string>();

        Assert.Same(cm, PostBuildSubstitution.Apply([cm], none, Strict).Single());
        var always = PostBuildSubstitution.Apply([cm], none, SubstitutionOptions.For(new PostBuild { SubstituteStrategy = "Always" })).Single();
        Assert.Equal("eu", always["data"]!["region"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("my-var")]
    [InlineData("a.b")]
    [InlineData("é")]
    public void Apply_InvalidVariableName_Fails(string name)
    {
        var cm = Object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        var e = Assert.Throws<SubstitutionException>(() =>
            PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { [name] = "v" }, Strict));
        Assert.StartsWith($"'{name}' var name is invalid", e.Message);
    }

    [Fact]
    public void Apply_ExpansionBreakingYaml_FailsNamingObject()
    {
        var cm = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data:
              a: ${v}
            """);
        var e = Assert.Throws<SubstitutionException>(() =>
            PostBuildSubstitution.Apply([cm], new Dictionary<string, string> { ["v"] = "[unclosed" }, Strict));
        Assert.Contains("ConfigMap/c", e.Message);
    }

    [Fact]
    public void Variables_LaterSourcesOverrideEarlier_InlineOverridesAll_SecretsAreBase64()
    {
        var postBuild = new PostBuild
        {
            Substitute = new Dictionary<string, string> { ["inline"] = "from-spec", ["shared"] = "spec" },
            SubstituteFrom =
            [
                new SubstituteReference { Kind = "ConfigMap", Name = "vars" },
                new SubstituteReference { Kind = "Secret", Name = "secret-vars" },
                new SubstituteReference { Kind = "ConfigMap", Name = "missing", Optional = true },
            ],
        };
        var configMap = Object("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: vars}
            data: {shared: configmap, only_cm: "line1\nline2\n", overridden: cm}
            """);
        var secret = Object($"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: secret-vars{"}"}
            data: {"{"}overridden: {B64("secret")}, password: {B64("p@ss\n")}{"}"}
            """);

        var vars = PostBuildVariables.Resolve(postBuild, [secret, configMap]);

        Assert.Equal("spec", vars["shared"]);
        Assert.Equal("from-spec", vars["inline"]);
        Assert.Equal("line1line2", vars["only_cm"]);
        Assert.Equal("secret", vars["overridden"]);
        Assert.Equal("p@ss", vars["password"]);
        Assert.Equal(5, vars.Count);
    }

    [Fact]
    public void Variables_RequiredSourceMissing_FailsNamingIt()
    {
        var postBuild = new PostBuild { SubstituteFrom = [new SubstituteReference { Kind = "Secret", Name = "creds" }] };
        var e = Assert.Throws<SubstitutionException>(() => PostBuildVariables.Resolve(postBuild, []));
        Assert.Equal("substitute from 'Secret/creds' error: secrets \"creds\" not found", e.Message);
    }

    [Fact]
    public void Variables_SourceOfOtherKindWithSameName_DoesNotCount()
    {
        var postBuild = new PostBuild { SubstituteFrom = [new SubstituteReference { Kind = "ConfigMap", Name = "x" }] };
        var secret = Object("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {a: YQ==}\n");
        Assert.Throws<SubstitutionException>(() => PostBuildVariables.Resolve(postBuild, [secret]));
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
