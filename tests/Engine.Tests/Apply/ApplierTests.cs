using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Apply;
using Tide.Engine.Kube;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Apply;

/// <summary>The applier against the embedded API server over HTTP: a stage is all or nothing.</summary>
public sealed class ApplierTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ApiServerHost _server = null!;
    private KubeClient _kube = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions());
        _kube = KubeClient.FromKubeconfig(_server.WriteKubeconfig(_temp.Combine("kubeconfig")));
    }

    public async Task DisposeAsync()
    {
        _kube.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static readonly ApplierOptions Options = new()
    {
        OwnerLabels = new Dictionary<string, string> { ["kustomize.toolkit.fluxcd.io/name"] = "apps" },
    };

    private static JsonObject Object(string yaml) => ManifestReader.Read(yaml, "test.yaml").Single();

    private static JsonObject ConfigMap(string name, string value, bool immutable = false) => Object($"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: default
        data:
          value: "{value}"
        immutable: {(immutable ? "true" : "false")}
        """);

    private static JsonObject Secret(string name) => Object($"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: {name}
          namespace: default
        stringData:
          key: value
        """);

    private Task<JsonObject?> GetAsync(string kind, string name) =>
        _kube.GetAsync(new ObjectRef("v1", kind, "default", name), CancellationToken.None);

    [Fact]
    public async Task ApplyStaged_ObjectRefusedInTheMiddleOfAStage_AppliesNothingOfTheStageAndNamesTheObject()
    {
        var applier = new Applier(_kube);
        await applier.ApplyStagedAsync([ConfigMap("b-locked", "one", immutable: true)], Options, CancellationToken.None);

        // In apply order: ConfigMap a-new, ConfigMap b-locked (refused: immutable), Secret c-new.
        var error = await Assert.ThrowsAsync<ApplyException>(() => applier.ApplyStagedAsync(
            [Secret("c-new"), ConfigMap("b-locked", "two", immutable: true), ConfigMap("a-new", "x")], Options, CancellationToken.None));

        Assert.Equal("b-locked", error.Object.Name);
        Assert.StartsWith("ConfigMap/default/b-locked apply failed: ", error.Message);
        Assert.Contains("immutable", error.Message);
        Assert.Null(await GetAsync("ConfigMap", "a-new"));
        Assert.Null(await GetAsync("Secret", "c-new"));
        Assert.Equal("one", (await GetAsync("ConfigMap", "b-locked"))!["data"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApplyStaged_EarlierStageApplied_WhenALaterStageIsRefused()
    {
        var applier = new Applier(_kube);
        var missingNamespace = ConfigMap("orphan", "x");
        missingNamespace["metadata"]!["namespace"] = "does-not-exist";

        var error = await Assert.ThrowsAsync<ApplyException>(() => applier.ApplyStagedAsync(
            [Object("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"), ConfigMap("a-new", "x"), missingNamespace],
            Options, CancellationToken.None));

        Assert.Equal("orphan", error.Object.Name);
        Assert.NotNull(await _kube.GetAsync(new ObjectRef("v1", "Namespace", "", "team"), CancellationToken.None));
        Assert.Null(await GetAsync("ConfigMap", "a-new"));
    }

    [Fact]
    public async Task ApplyStaged_AStageThatPasses_ReportsEachObjectsChange()
    {
        var applier = new Applier(_kube);
        await applier.ApplyStagedAsync([ConfigMap("kept", "one"), ConfigMap("changed", "one")], Options, CancellationToken.None);

        var changes = await applier.ApplyStagedAsync([ConfigMap("kept", "one"), ConfigMap("changed", "two"), Secret("added")],
            Options, CancellationToken.None);

        Assert.Equal(["ConfigMap/default/changed configured", "ConfigMap/default/kept unchanged", "Secret/default/added created"],
            changes.Select(c => c.ToString()));
    }
}
