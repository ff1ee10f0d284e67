using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Http;

/// <summary>Server-side apply over HTTP, through KubernetesClient and kubectl.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ServerSideApplyTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    private Task<V1ConfigMap> ApplyAsync(string ns, string manager, string data, bool force = false, string? dryRun = null) =>
        Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{{data}}}""", V1Patch.PatchType.ApplyPatch),
            "cfg", ns, fieldManager: manager, force: force, dryRun: dryRun);

    [Fact]
    public async Task TwoManagersOnOneField_ConflictUnlessForced()
    {
        var ns = await fixture.NewNamespaceAsync();
        await ApplyAsync(ns, "alice", """{"color":"red","size":"L"}""");

        var status = await StatusAssert.FailsAsync(HttpStatusCode.Conflict, "Conflict", () => ApplyAsync(ns, "bob", """{"color":"blue"}"""));
        Assert.Contains("conflict with \"alice\"", status["message"]!.GetValue<string>());
        Assert.Equal(".data.color", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal("red", (await Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns)).Data["color"]);

        var forced = await ApplyAsync(ns, "bob", """{"color":"blue"}""", force: true);
        Assert.Equal("blue", forced.Data["color"]);
        var owners = forced.Metadata.ManagedFields.ToDictionary(m => m.Manager, m => m.FieldsV1.ToString());
        Assert.Contains("f:color", owners["bob"]);
        Assert.DoesNotContain("f:color", owners["alice"]);
        Assert.Equal("Apply", forced.Metadata.ManagedFields.Single(m => m.Manager == "bob").Operation);
    }

    [Fact]
    public async Task ManagerDroppingAField_RemovesIt_UnlessAnotherManagerOwnsIt()
    {
        var ns = await fixture.NewNamespaceAsync();
        await ApplyAsync(ns, "alice", """{"a":"1","b":"2","shared":"s"}""");
        // bob applies the same value: co-ownership, no conflict.
        await ApplyAsync(ns, "bob", """{"shared":"s"}""");

        var result = await ApplyAsync(ns, "alice", """{"a":"1"}""");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["shared"] = "s" }, result.Data);
    }

    [Fact]
    public async Task DryRunApply_ReturnsTheResult_AndChangesNothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        var applied = await ApplyAsync(ns, "alice", """{"k":"v"}""");
        var dry = await ApplyAsync(ns, "alice", """{"k":"dry"}""", dryRun: "All");
        Assert.Equal("dry", dry.Data["k"]);
        var stored = await Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns);
        Assert.Equal("v", stored.Data["k"]);
        Assert.Equal(applied.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ApplyingTheSameConfigurationTwice_DoesNotWrite()
    {
        var ns = await fixture.NewNamespaceAsync();
        var first = await ApplyAsync(ns, "alice", """{"k":"v"}""");
        var second = await ApplyAsync(ns, "alice", """{"k":"v"}""");
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task UpdatesAreRecordedInManagedFields()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "cfg" },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, ns, fieldManager: "creator");
        var entry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal(("creator", "Update"), (entry.Manager, entry.Operation));
        Assert.Contains("f:k", entry.FieldsV1.ToString());

        // An applier taking a field an updater set conflicts too.
        await StatusAssert.FailsAsync(HttpStatusCode.Conflict, "Conflict", () => ApplyAsync(ns, "alice", """{"k":"other"}"""));
    }

    [Fact]
    public async Task ConcurrentAppliersOfDifferentFields_AllLand()
    {
        var ns = await fixture.NewNamespaceAsync();
        await ApplyAsync(ns, "base", """{"base":"1"}""");
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                await ApplyAsync(ns, $"m{i}", $$"""{"k{{i}}":"{{round}}"}""");
            }
        })));
        var result = await Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", ns);
        Assert.Equal(17, result.Data.Count);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal("4", result.Data[$"k{i}"]));
        Assert.Equal(17, result.Metadata.ManagedFields.Count);
    }

    private const string Manifests = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: dials.ssa.example.com
        spec:
          group: ssa.example.com
          names: {kind: Dial, plural: dials, singular: dial}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        ---
        apiVersion: ssa.example.com/v1
        kind: Dial
        metadata: {name: volume}
        spec: {level: 3}
        ---
        apiVersion: ssa.example.com/v1
        kind: Dial
        metadata: {name: balance}
        spec: {level: 0}
        """;

    [Fact]
    public async Task KubectlApplyServerSide_CrdAndItsCustomResourcesFromOneFile()
    {
        var ns = await fixture.NewNamespaceAsync("ssa");
        string[] apply = ["-n", ns, "apply", "--server-side", "-f", "-"];
        // As with any Kubernetes server, kubectl cannot map the custom kind before the CRD exists: the first run
        // creates the CRD and reports the resources it could not map; the second applies them.
        var first = await fixture.KubectlAsync(apply, Manifests, TimeSpan.FromSeconds(60));
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/dials.ssa.example.com serverside-applied", first.Stdout);
        var second = (await fixture.KubectlAsync(apply, Manifests, TimeSpan.FromSeconds(60))).Ok();
        Assert.Contains("dial.ssa.example.com/volume serverside-applied", second);
        Assert.Contains("dial.ssa.example.com/balance serverside-applied", second);

        var dial = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "dial", "volume", "-o", "json", "--show-managed-fields")).Ok())!;
        Assert.Equal(3, dial["spec"]!["level"]!.GetValue<int>());
        Assert.Equal("kubectl", dial["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
    }

    [Fact]
    public async Task KubectlApplyServerSide_ConflictsForceAndDryRun()
    {
        var ns = await fixture.NewNamespaceAsync("ssak");
        const string mine = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {a: \"1\", b: \"2\"}\n";
        const string theirs = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {a: \"changed\"}\n";
        (await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=one", "-f", "-"], mine, TimeSpan.FromSeconds(60))).Ok();

        var conflict = await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=two", "-f", "-"], theirs, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict with \"one\"", conflict.Stderr);
        Assert.Contains(".data.a", conflict.Stderr);

        var dry = await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=two", "--force-conflicts",
            "--dry-run=server", "-o", "jsonpath={.data.a}", "-f", "-"], theirs, TimeSpan.FromSeconds(60));
        Assert.Equal("changed", dry.Ok());
        Assert.Equal("1", (await Client.CoreV1.ReadNamespacedConfigMapAsync("shared", ns)).Data["a"]);

        (await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=two", "--force-conflicts", "-f", "-"],
            theirs, TimeSpan.FromSeconds(60))).Ok();
        var result = await Client.CoreV1.ReadNamespacedConfigMapAsync("shared", ns);
        Assert.Equal("changed", result.Data["a"]);
        Assert.Equal("2", result.Data["b"]);

        // "three" applies the value "two" set: they co-own it, so "two" dropping it leaves it in place.
        (await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=three", "-f", "-"], theirs, TimeSpan.FromSeconds(60))).Ok();
        (await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=two", "-f", "-"],
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n", TimeSpan.FromSeconds(60))).Ok();
        Assert.Equal("changed", (await Client.CoreV1.ReadNamespacedConfigMapAsync("shared", ns)).Data["a"]);

        // "one" stops applying b: it is removed.
        (await fixture.KubectlAsync(["-n", ns, "apply", "--server-side", "--field-manager=one", "-f", "-"],
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {}\n", TimeSpan.FromSeconds(60))).Ok();
        Assert.Equal(new Dictionary<string, string> { ["a"] = "changed" }, (await Client.CoreV1.ReadNamespacedConfigMapAsync("shared", ns)).Data);
    }
}
