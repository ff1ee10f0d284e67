using System.Net;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Semantics;

[Collection(ApiServerCollection.Name)]
public sealed class CrudTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    [Fact]
    public async Task Create_SetsIdentityAndVersions_GetReturnsIt()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "cm-" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);

        Assert.StartsWith("cm-", created.Metadata.Name);
        Assert.Equal(8, created.Metadata.Name.Length);
        Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync(created.Metadata.Name, ns);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("1", read.Data["a"]);
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Conflicts()
    {
        var ns = await fixture.NewNamespaceAsync();
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, ns);
        cm.Data = new Dictionary<string, string> { ["x"] = "1" };
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(cm.Metadata.ResourceVersion));

        cm.Data["x"] = "2";
        var status = await StatusAssert.FailsAsync(HttpStatusCode.Conflict, "Conflict",
            () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns));
        Assert.Contains("the object has been modified", status["message"]!.GetValue<string>());
        Assert.Equal("1", (await Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns)).Data["x"]);
    }

    [Fact]
    public async Task List_FiltersByLabelAndFieldSelectors_AndPages()
    {
        var ns = await fixture.NewNamespaceAsync();
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", "web"), ("d", "cache"), ("e", "") })
        {
            var labels = tier.Length > 0 ? new Dictionary<string, string> { ["tier"] = tier } : null;
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = name, Labels = labels } }, ns);
        }
        async Task<string[]> Names(string? labels = null, string? fields = null) =>
            (await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labels, fieldSelector: fields)).Items
                .Select(i => i.Metadata.Name).ToArray();

        Assert.Equal(["a", "c"], await Names("tier=web"));
        Assert.Equal(["b", "d"], await Names("tier in (db,cache)"));
        // Every namespace also holds the root CA's ConfigMap, which has no tier label.
        Assert.Equal(["a", "c", "e", NamespaceContent.RootCa], await Names("tier notin (db,cache)"));
        Assert.Equal(["e", NamespaceContent.RootCa], await Names("!tier"));
        Assert.Equal(["a", "b", "c", "d"], await Names("tier"));
        Assert.Equal(["b", "d"], await Names("tier,tier!=web"));
        Assert.Equal(["c"], await Names(fields: "metadata.name=c"));
        Assert.Equal(["a", "b", "d", "e", NamespaceContent.RootCa], await Names(fields: "metadata.name!=c"));

        var first = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2);
        Assert.Equal(["a", "b"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(4, first.Metadata.RemainingItemCount);
        var second = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: first.Metadata.ContinueProperty);
        Assert.Equal(["c", "d"], second.Items.Select(i => i.Metadata.Name));
        var last = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: second.Metadata.ContinueProperty);
        Assert.Equal(["e", NamespaceContent.RootCa], last.Items.Select(i => i.Metadata.Name));
        Assert.Null(last.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task Generation_CountsSpecChangesOnly_AndStatusChangesOnlyThroughSubresource()
    {
        var ns = await fixture.NewNamespaceAsync();
        var deployment = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("g", replicas: 1), ns);
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Metadata.Labels = new Dictionary<string, string> { ["changed"] = "metadata" };
        deployment.Status = new V1DeploymentStatus { Replicas = 42 };
        deployment = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "g", ns);
        Assert.Equal(1, deployment.Metadata.Generation);
        Assert.NotEqual(42, deployment.Status?.Replicas);

        deployment.Spec.Replicas = 3;
        deployment = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "g", ns);
        Assert.Equal(2, deployment.Metadata.Generation);

        deployment.Status = new V1DeploymentStatus { Replicas = 7, ObservedGeneration = 2 };
        deployment.Spec.Replicas = 9;
        var afterStatus = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "g", ns);
        Assert.Equal(7, afterStatus.Status.Replicas);
        Assert.Equal(3, afterStatus.Spec.Replicas);
        Assert.Equal(2, afterStatus.Metadata.Generation);
    }

    [Fact]
    public async Task ImmutableFields_AreRejectedWithInvalid()
    {
        var ns = await fixture.NewNamespaceAsync();
        var deployment = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("imm", replicas: 1), ns);
        deployment.Spec.Selector.MatchLabels["app"] = "other";
        deployment.Spec.Template.Metadata.Labels["app"] = "other";
        var status = await StatusAssert.FailsAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            () => Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "imm", ns));
        Assert.Contains("field is immutable", status["message"]!.GetValue<string>());
        Assert.Equal("spec.selector", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "frozen" },
            Data = new Dictionary<string, string> { ["k"] = "v" },
            Immutable = true,
        }, ns);
        cm.Data["k"] = "changed";
        await StatusAssert.FailsAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            () => Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "frozen", ns));

        var service = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new() { Name = "svc" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
        }, ns);
        Assert.Matches(@"^10\.\d+\.\d+\.\d+$", service.Spec.ClusterIP);
        service.Spec.ClusterIP = "10.0.0.99";
        service.Spec.ClusterIPs = ["10.0.0.99"];
        await StatusAssert.FailsAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            () => Client.CoreV1.ReplaceNamespacedServiceAsync(service, "svc", ns));
    }

    [Fact]
    public async Task DryRun_ReturnsTheResultAndStoresNothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        var before = (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        var result = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "dry" } }, ns, dryRun: "All");
        Assert.Equal("dry", result.Metadata.Name);
        Assert.NotNull(result.Metadata.Uid);
        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound", () => Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns));

        // The dry run made no event either: the first change after it is the next real write.
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "real" } }, ns);
        await using var watch = await WatchReader.OpenAsync(fixture.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={before}");
        Assert.Equal("real", (await watch.NextAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task NamespacedWrites_NeedAnExistingNamespace()
    {
        var status = await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound",
            () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "x" } }, "no-such-namespace"));
        Assert.Equal("namespaces \"no-such-namespace\" not found", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentWriters_OneWinnerPerResourceVersion_NoLostUpdate()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new() { Name = "counter" }, Data = new Dictionary<string, string> { ["n"] = "0" } }, ns);
        const int writers = 32;
        const int incrementsEach = 5;
        var winners = new System.Collections.Concurrent.ConcurrentBag<string>();
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < incrementsEach;)
            {
                var cm = await Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns);
                var readVersion = cm.Metadata.ResourceVersion;
                cm.Data["n"] = (int.Parse(cm.Data["n"]) + 1).ToString();
                try
                {
                    await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "counter", ns);
                    winners.Add(readVersion);
                    done++;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));
        var final = await Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns);
        Assert.Equal(writers * incrementsEach, int.Parse(final.Data["n"]));
        // Every successful update started from a different resourceVersion: one winner per version.
        Assert.Equal(winners.Count, winners.Distinct().Count());
    }
}
