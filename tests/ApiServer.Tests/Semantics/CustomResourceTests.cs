using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Semantics;

[Collection(ApiServerCollection.Name)]
public sealed class CustomResourceTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    internal static V1CustomResourceDefinition Crd(string group, string kind, string plural, string scope = "Namespaced") => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{plural}.{group}" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = group,
            Scope = scope,
            Names = new V1CustomResourceDefinitionNames
            {
                Kind = kind,
                Plural = plural,
                Singular = kind.ToLowerInvariant(),
                ShortNames = [plural[..2] + "x"],
                Categories = ["all"],
            },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                    },
                    AdditionalPrinterColumns =
                    [
                        new V1CustomResourceColumnDefinition { Name = "Size", Type = "integer", JsonPath = ".spec.size" },
                    ],
                },
            ],
        },
    };

    private static Dictionary<string, object> Object(string group, string kind, string name, int size) => new()
    {
        ["apiVersion"] = $"{group}/v1",
        ["kind"] = kind,
        ["metadata"] = new Dictionary<string, object> { ["name"] = name },
        ["spec"] = new Dictionary<string, object> { ["size"] = size },
        ["status"] = new Dictionary<string, object> { ["phase"] = "ignored on create" },
    };

    [Fact]
    public async Task CreatingACrd_EstablishesIt_AndServesItsResource()
    {
        var group = $"g{Guid.NewGuid():N}"[..10] + ".example.com";
        var crd = await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Gadget", "gadgets"));
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");

        var resources = await Client.GetAPIResourcesAsync(group, "v1");
        var gadgets = Assert.Single(resources.Resources, r => r.Name == "gadgets");
        Assert.True(gadgets.Namespaced);
        Assert.Equal(["gax"], gadgets.ShortNames);
        Assert.Contains(resources.Resources, r => r.Name == "gadgets/status");

        var ns = await fixture.NewNamespaceAsync();
        var created = (JsonElement)await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Object(group, "Gadget", "one", 3), group, "v1", ns, "gadgets");
        Assert.Equal(1, created.GetProperty("metadata").GetProperty("generation").GetInt64());
        Assert.False(created.TryGetProperty("status", out _));

        await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = $"{group}/v1",
            ["kind"] = "Gadget",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "one" },
            ["status"] = new Dictionary<string, object> { ["phase"] = "Ready" },
        }, group, "v1", ns, "gadgets", "one");
        var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", ns, "gadgets", "one");
        Assert.Equal("Ready", read.GetProperty("status").GetProperty("phase").GetString());
        Assert.Equal(3, read.GetProperty("spec").GetProperty("size").GetInt32());

        var table = (await fixture.KubectlAsync("-n", ns, "get", "gax")).Ok().Split('\n');
        Assert.Matches(@"^NAME\s+SIZE$", table[0]);
        Assert.Matches(@"^one\s+3$", table[1]);
    }

    [Fact]
    public async Task ServerSideApplyOfStatus_RemovesWhatTheManagerNoLongerApplies_AndLeavesSpecAlone()
    {
        var group = $"s{Guid.NewGuid():N}"[..10] + ".example.com";
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Widget", "widgets"));
        var ns = await fixture.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Object(group, "Widget", "w", 2), group, "v1", ns, "widgets");
        var path = $"/apis/{group}/v1/namespaces/{ns}/widgets/w/status?fieldManager=tide&force=true";

        async Task<JsonElement> ApplyStatusAsync(string status)
        {
            using var content = new StringContent(
                $$"""{"apiVersion":"{{group}}/v1","kind":"Widget","metadata":{"name":"w","namespace":"{{ns}}"},"status":{{status}}}""");
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/apply-patch+yaml");
            using var response = await fixture.Http.PatchAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        var first = await ApplyStatusAsync("""{"observedIgnore":"*.tmp","conditions":[{"type":"Ready","status":"False"}]}""");
        Assert.Equal("*.tmp", first.GetProperty("status").GetProperty("observedIgnore").GetString());
        var second = await ApplyStatusAsync("""{"conditions":[{"type":"Ready","status":"True"}]}""");

        // What the manager no longer applies is gone, in the answer and on the server; spec is untouched.
        var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", ns, "widgets", "w");
        foreach (var obj in new[] { second, read })
        {
            Assert.False(obj.GetProperty("status").TryGetProperty("observedIgnore", out _));
            Assert.Equal("True", obj.GetProperty("status").GetProperty("conditions")[0].GetProperty("status").GetString());
            Assert.Equal(2, obj.GetProperty("spec").GetProperty("size").GetInt32());
        }
        Assert.True(long.Parse(second.GetProperty("metadata").GetProperty("resourceVersion").GetString()!)
            > long.Parse(first.GetProperty("metadata").GetProperty("resourceVersion").GetString()!));
    }

    [Fact]
    public async Task ObjectWrittenInAnOlderVersion_IsReadAndPatchedInTheStoredOne()
    {
        var group = $"g{Guid.NewGuid():N}"[..10] + ".example.com";
        var crd = Crd(group, "Relic", "relics");
        var stored = crd.Spec.Versions[0];
        crd.Spec.Versions = [new V1CustomResourceDefinitionVersion
        {
            Name = "v1beta2", Served = true, Storage = false, Schema = stored.Schema, Subresources = stored.Subresources,
        }, stored];
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var ns = await fixture.NewNamespaceAsync();
        var old = Object(group, "Relic", "r", 1);
        old["apiVersion"] = $"{group}/v1beta2";
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(old, group, "v1beta2", ns, "relics");

        // Conversion "None": the same object in either version; a merge patch through v1 changes it.
        var patched = (JsonElement)await Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":5}}""", V1Patch.PatchType.MergePatch), group, "v1", ns, "relics", "r");
        Assert.Equal($"{group}/v1", patched.GetProperty("apiVersion").GetString());
        Assert.Equal(5, patched.GetProperty("spec").GetProperty("size").GetInt32());
        var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1beta2", ns, "relics", "r");
        Assert.Equal($"{group}/v1beta2", read.GetProperty("apiVersion").GetString());
        Assert.Equal(5, read.GetProperty("spec").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task ClusterScopedCrd_ServesClusterObjects()
    {
        var group = $"c{Guid.NewGuid():N}"[..10] + ".example.com";
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Realm", "realms", "Cluster"));
        await Client.CustomObjects.CreateClusterCustomObjectAsync(Object(group, "Realm", "north", 1), group, "v1", "realms");
        var list = (JsonElement)await Client.CustomObjects.ListClusterCustomObjectAsync(group, "v1", "realms");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.False(item.GetProperty("metadata").TryGetProperty("namespace", out _));
    }

    [Fact]
    public async Task DeletingACrd_DeletesItsObjects_AndStopsServingThem()
    {
        var group = $"d{Guid.NewGuid():N}"[..10] + ".example.com";
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Thing", "things"));
        var ns = await fixture.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Object(group, "Thing", "a", 1), group, "v1", ns, "things");

        await Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync($"things.{group}");

        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound",
            () => Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"things.{group}"));
        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound",
            () => Client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "things"));

        // Recreating the CRD does not bring the old objects back.
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Thing", "things"));
        var list = (JsonElement)await Client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "things");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task CrdWithWrongName_IsInvalid()
    {
        var crd = Crd("example.com", "Bad", "bads");
        crd.Metadata.Name = "wrong.example.com";
        await StatusAssert.FailsAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            () => Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));
    }

    [Fact]
    public async Task KubectlGetCrds_ListsThem()
    {
        var group = $"k{Guid.NewGuid():N}"[..10] + ".example.com";
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(group, "Knob", "knobs"));
        var output = (await fixture.KubectlAsync("get", "crds")).Ok();
        Assert.Matches(@"NAME\s+CREATED AT", output.Split('\n')[0]);
        Assert.Matches($@"knobs\.{group.Replace(".", @"\.")}\s+\d{{4}}-\d\d-\d\dT", output);
    }
}
