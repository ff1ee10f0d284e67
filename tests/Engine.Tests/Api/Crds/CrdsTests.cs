using Tide.Engine.Yaml;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Api.Crds;

namespace Tide.Engine.Tests.Api.Crds;

/// <summary>
/// Compares the generated CRDs with Flux's own (v2.8.5, as rendered by `helm template` of the flux2 chart in the
/// corpus): every field Flux declares must exist in ours with the same type, so any Flux manifest validates.
/// </summary>
public sealed class CrdsTests
{
    private static readonly Lazy<IReadOnlyList<JsonNode>> FluxCrds = new(() =>
        YamlJson.ParseAll(File.ReadAllText(Path.Combine(TestPaths.Corpus, "helm", "flux2", "cases", "default", "expected-v3.yaml")))
            .Where(d => (string?)d["kind"] == "CustomResourceDefinition")
            .ToList());

    /// <summary>The CRDs the flux2 chart also ships (ArtifactGenerator comes with source-watcher, not in the chart).</summary>
    public static TheoryData<string> Definitions => new(Tide.Engine.Api.Crds.Crds.All.Select(d => d.Name)
        .Where(name => FluxCrds.Value.Any(d => (string?)d["metadata"]!["name"] == name)));

    private static (JsonObject Ours, JsonNode Flux) Pair(string name) =>
        (Tide.Engine.Api.Crds.Crds.All.Single(d => d.Name == name).ToManifest(),
         FluxCrds.Value.Single(d => (string?)d["metadata"]!["name"] == name));

    /// <summary>The stored version: v1, v2 for HelmRelease, v1beta1 for ArtifactGenerator, v1beta3 for Alert and Provider.</summary>
    private static JsonNode V1(JsonNode crd) =>
        crd["spec"]!["versions"]!.AsArray().Single(v => (bool?)v!["storage"] == true)!;

    [Fact]
    public void ArtifactGenerator_HasSourceWatchersNamesAndColumns()
    {
        var crd = Tide.Engine.Api.Crds.Crds.ArtifactGenerator.ToManifest();

        Assert.Equal("artifactgenerators.source.extensions.fluxcd.io", (string?)crd["metadata"]!["name"]);
        Assert.Equal(["ag"], crd["spec"]!["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["all", "fluxcd", "fluxcd-sources"], crd["spec"]!["names"]!["categories"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["Age", "Ready", "Status"], V1(crd)["additionalPrinterColumns"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("v1beta1", (string?)V1(crd)["name"]);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void NamesColumnsAndSubresources_MatchFlux(string name)
    {
        var (ours, flux) = Pair(name);

        foreach (var field in new[] { "kind", "listKind", "plural", "singular", "shortNames" })
            Assert.True(JsonNode.DeepEquals(flux["spec"]!["names"]![field], ours["spec"]!["names"]![field]), field);
        Assert.Equal((string?)flux["spec"]!["scope"], (string?)ours["spec"]!["scope"]);
        Assert.True(JsonNode.DeepEquals(V1(flux)["additionalPrinterColumns"], V1(ours)["additionalPrinterColumns"]));
        Assert.True(JsonNode.DeepEquals(V1(flux)["subresources"], V1(ours)["subresources"]));
        Assert.True((bool)V1(ours)["served"]! && (bool)V1(ours)["storage"]!);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void EveryFluxField_ExistsWithTheSameType(string name)
    {
        var (ours, flux) = Pair(name);
        var ourFields = SchemaFields(V1(ours)["schema"]!["openAPIV3Schema"]!);
        var fluxFields = SchemaFields(V1(flux)["schema"]!["openAPIV3Schema"]!);

        var missing = fluxFields.Where(f => !ourFields.TryGetValue(f.Key, out var ourType) || ourType != f.Value)
            .Select(f => $"{f.Key} ({f.Value}; ours: {ourFields.GetValueOrDefault(f.Key) ?? "missing"})")
            .ToList();

        Assert.True(missing.Count == 0, string.Join("\n", missing));
        Assert.True(fluxFields.Count > 15, "the reference schema was not read");
    }

    // Where the types follow Flux's current API rather than v2.8.5: kind became optional in healthCheckExprs,
    // 'aws' joined the Git providers, 'zoom' and 'incident.io' the notification Providers.
    private static readonly Dictionary<(string Crd, string Rule), string> NewerThanReference = new()
    {
        [("kustomizations.kustomize.toolkit.fluxcd.io", ".spec.healthCheckExprs[] required")] = "apiVersion,current",
        [("helmreleases.helm.toolkit.fluxcd.io", ".spec.healthCheckExprs[] required")] = "apiVersion,current",
        [("gitrepositories.source.toolkit.fluxcd.io", ".spec.provider enum")] = "generic,aws,azure,github",
        [("providers.notification.toolkit.fluxcd.io", ".spec.type enum")] = "slack,discord,msteams,rocket,generic,generic-hmac," +
            "github,gitlab,gitea,giteapullrequestcomment,bitbucketserver,bitbucket,azuredevops,googlechat,googlepubsub,webex," +
            "sentry,azureeventhub,telegram,lark,matrix,opsgenie,alertmanager,grafana,githubdispatch,githubpullrequestcomment," +
            "gitlabmergerequestcomment,pagerduty,datadog,nats,zulip,otel,zoom,incident.io",
    };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void RequiredFieldsAndEnums_MatchFlux(string name)
    {
        var (ours, flux) = Pair(name);
        var ourRules = SchemaRules(V1(ours)["schema"]!["openAPIV3Schema"]!);
        var fluxRules = SchemaRules(V1(flux)["schema"]!["openAPIV3Schema"]!);
        foreach (var ((crd, rule), value) in NewerThanReference)
            if (crd == name && fluxRules.ContainsKey(rule))
                fluxRules[rule] = value;

        var differences = fluxRules.Where(r => ourRules.GetValueOrDefault(r.Key) != r.Value)
            .Select(r => $"{r.Key}: flux {r.Value}, ours {ourRules.GetValueOrDefault(r.Key) ?? "none"}")
            .ToList();
        // Rules of ours on fields Flux also has, but that Flux does not declare (e.g. a field we made required).
        var fluxFields = SchemaFields(V1(flux)["schema"]!["openAPIV3Schema"]!);
        differences.AddRange(ourRules.Keys
            .Where(r => !fluxRules.ContainsKey(r) && fluxFields.ContainsKey(r[..r.LastIndexOf(' ')]))
            .Select(r => $"{r}: flux none, ours {ourRules[r]}"));

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    public static TheoryData<string> SampleManifests => new(
        FluxSamples.GitRepositoryWithStatus,
        FluxSamples.KustomizationWithStatus,
        File.ReadAllText(Path.Combine(TestPaths.Corpus, "kustomize", "flux-mt-tenants-production", "expected.yaml")),
        // flux2-kustomize-helm-example: HelmRepositories (default and oci) and HelmReleases.
        File.ReadAllText(Path.Combine(TestPaths.Corpus, "kustomize", "flux-example-apps-production", "expected.yaml")),
        File.ReadAllText(Path.Combine(TestPaths.Corpus, "kustomize", "flux-example-infra-controllers", "expected.yaml")));

    [Theory]
    [MemberData(nameof(SampleManifests))]
    public void SchemaDeclares_EveryFieldOfRealManifests(string yaml)
    {
        var schemas = Tide.Engine.Api.Crds.Crds.All.ToDictionary(
            d => (d.Group + "/" + d.Version, d.Kind),
            d => (JsonNode)V1(d.ToManifest())["schema"]!["openAPIV3Schema"]!);
        var checkedManifests = 0;

        foreach (var manifest in YamlJson.ParseAll(yaml))
        {
            if (!schemas.TryGetValue(((string)manifest["apiVersion"]!, (string)manifest["kind"]!), out var schema))
                continue;
            var undeclared = UndeclaredFields(manifest, schema, "").ToList();
            Assert.True(undeclared.Count == 0, string.Join("\n", undeclared));
            checkedManifests++;
        }

        Assert.True(checkedManifests > 0);
    }

    [Fact]
    public void Yaml_HasOneDocumentPerCrd()
    {
        var documents = YamlJson.ParseAll(Tide.Engine.Api.Crds.Crds.ToYaml());

        Assert.Equal(
            [
                "gitrepositories.source.toolkit.fluxcd.io", "ocirepositories.source.toolkit.fluxcd.io",
                "buckets.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io",
                "helmrepositories.source.toolkit.fluxcd.io", "helmcharts.source.toolkit.fluxcd.io",
                "helmreleases.helm.toolkit.fluxcd.io",
                "receivers.notification.toolkit.fluxcd.io", "externalartifacts.source.toolkit.fluxcd.io",
                "artifactgenerators.source.extensions.fluxcd.io",
                "alerts.notification.toolkit.fluxcd.io",
                "providers.notification.toolkit.fluxcd.io",
                "canaries.flagger.app", "metrictemplates.flagger.app", "alertproviders.flagger.app",
            ],
            documents.Select(d => (string?)d["metadata"]!["name"]));
    }

    /// <summary>Field path -> "type/format", with [] for array items and {} for map values.</summary>
    private static Dictionary<string, string> SchemaFields(JsonNode schema)
    {
        var fields = new Dictionary<string, string>();
        Walk(schema, "", (path, node) =>
            fields[path] = $"{(string?)node["type"]}/{(string?)node["format"]}");
        return fields;
    }

    /// <summary>Object path -> sorted required list, field path -> enum values.</summary>
    private static Dictionary<string, string> SchemaRules(JsonNode schema)
    {
        var rules = new Dictionary<string, string>();
        Walk(schema, "", (path, node) =>
        {
            if (node["required"] is JsonArray required)
                rules[path + " required"] = string.Join(",", required.Select(r => (string?)r).Order(StringComparer.Ordinal));
            if (node["enum"] is JsonArray values)
                rules[path + " enum"] = string.Join(",", values.Select(v => (string?)v));
        });
        return rules;
    }

    private static void Walk(JsonNode schema, string path, Action<string, JsonNode> visit)
    {
        visit(path, schema);
        if (schema["properties"] is JsonObject properties)
            foreach (var (name, child) in properties)
                Walk(child!, $"{path}.{name}", visit);
        if (schema["items"] is JsonObject items)
            Walk(items, path + "[]", visit);
        if (schema["additionalProperties"] is JsonObject values)
            Walk(values, path + "{}", visit);
    }

    private static IEnumerable<string> UndeclaredFields(JsonNode? value, JsonNode schema, string path)
    {
        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var (name, child) in obj)
                {
                    if (properties[name] is { } childSchema)
                    {
                        foreach (var undeclared in UndeclaredFields(child, childSchema, $"{path}.{name}"))
                            yield return undeclared;
                    }
                    else
                    {
                        yield return $"{path}.{name}";
                    }
                }
                break;
            case JsonObject obj when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (name, child) in obj)
                    foreach (var undeclared in UndeclaredFields(child, valueSchema, $"{path}.{name}"))
                        yield return undeclared;
                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                    foreach (var undeclared in UndeclaredFields(item, itemSchema, path + "[]"))
                        yield return undeclared;
                break;
        }
    }
}
