using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Http;

[Collection(ApiServerCollection.Name)]
public sealed class PatchTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    [Fact]
    public async Task MergeJsonAndStrategicPatches_ThroughKubernetesClient()
    {
        var ns = await fixture.NewNamespaceAsync();
        var deployment = Deployments.New("p", replicas: 1);
        deployment.Spec.Template.Spec.Containers[0].Env = [new V1EnvVar { Name = "A", Value = "1" }];
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "p", ns);
        await Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"add","path":"/metadata/labels","value":{"patched":"json"}}]""", V1Patch.PatchType.JsonPatch), "p", ns);
        // Strategic merge: the env list merges by name instead of being replaced.
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch), "p", ns);

        var result = await Client.AppsV1.ReadNamespacedDeploymentAsync("p", ns);
        Assert.Equal(3, result.Spec.Replicas);
        Assert.Equal("json", result.Metadata.Labels["patched"]);
        var container = Assert.Single(result.Spec.Template.Spec.Containers);
        Assert.Equal("nginx:1.27", container.Image);
        Assert.Equal(["A=1", "B=2"], container.Env.Select(e => $"{e.Name}={e.Value}").Order());
        Assert.Equal(3, result.Metadata.Generation);
    }

    [Fact]
    public async Task FailedJsonPatchTest_IsInvalid_AndChangesNothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "c" },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, ns);
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"test","path":"/data/k","value":"other"},{"op":"replace","path":"/data/k","value":"x"}]""",
                V1Patch.PatchType.JsonPatch), "c", ns));
        Assert.True(e.Response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest
            or HttpStatusCode.Conflict, e.Response.StatusCode.ToString());
        Assert.Equal("v", (await Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns)).Data["k"]);
    }

    [Fact]
    public async Task StrategicMergePatchOnCustomResource_IsUnsupportedMediaType()
    {
        var group = $"s{Guid.NewGuid():N}"[..10] + ".example.com";
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Semantics.CustomResourceTests.Crd(group, "Sprocket", "sprockets"));
        var ns = await fixture.NewNamespaceAsync();
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = $"{group}/v1",
            ["kind"] = "Sprocket",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "s" },
        }, group, "v1", ns, "sprockets");
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"a":1}}""", V1Patch.PatchType.StrategicMergePatch), group, "v1", ns, "sprockets", "s"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, e.Response.StatusCode);
    }

    [Fact]
    public async Task KubectlLabelAnnotateAndPatch()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("k", replicas: 1), ns);

        (await fixture.KubectlAsync("-n", ns, "label", "deployment", "k", "team=blue")).Ok();
        (await fixture.KubectlAsync("-n", ns, "annotate", "deployment", "k", "note=hello")).Ok();
        (await fixture.KubectlAsync("-n", ns, "patch", "deployment", "k", "--type", "merge", "-p", """{"spec":{"replicas":2}}""")).Ok();
        (await fixture.KubectlAsync("-n", ns, "patch", "deployment", "k", "--type", "json",
            "-p", """[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"}]""")).Ok();
        (await fixture.KubectlAsync("-n", ns, "patch", "deployment", "k",
            "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}""")).Ok();

        var d = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "deployment", "k", "-o", "json")).Ok())!;
        Assert.Equal("blue", d["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("hello", d["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        Assert.Equal(2, d["spec"]!["replicas"]!.GetValue<int>());
        var containers = d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => $"{c!["name"]}:{c["image"]}").ToList();
        Assert.Equal(["sidecar:busybox", "main:nginx:1.28"], containers);

        (await fixture.KubectlAsync("-n", ns, "label", "deployment", "k", "team-")).Ok();
        var labels = (await Client.AppsV1.ReadNamespacedDeploymentAsync("k", ns)).Metadata.Labels;
        Assert.True(labels is null || !labels.ContainsKey("team"));
    }
}
