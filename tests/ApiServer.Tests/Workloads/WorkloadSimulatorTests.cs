using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Workloads;

[Collection(ApiServerCollection.Name)]
public sealed class WorkloadSimulatorTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Deployment_BecomesAvailable_AndKubectlWaitSeesIt()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("app", replicas: 3), ns);

        var wait = await fixture.KubectlAsync("-n", ns, "wait", "--for=condition=Available", "deployment/app", "--timeout=20s");
        Assert.Contains("deployment.apps/app condition met", wait.Ok());
        var d = await Client.AppsV1.ReadNamespacedDeploymentAsync("app", ns);
        Assert.Equal(d.Metadata.Generation, d.Status.ObservedGeneration);
        Assert.Equal(3, d.Status.AvailableReplicas);
        Assert.Equal(3, d.Status.UpdatedReplicas);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable");
        var simulator = Assert.Single(d.Metadata.ManagedFields, m => m.Manager == "tide-workload-simulator");
        Assert.Equal("status", simulator.Subresource);

        d.Spec.Replicas = 5;
        await Client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "app", ns);
        var scaled = await EventuallyAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("app", ns),
            x => x.Status.ObservedGeneration == x.Metadata.Generation);
        Assert.Equal(5, scaled.Status.ReadyReplicas);
    }

    [Fact]
    public async Task DeploymentAnnotatedFail_StallsWithProgressDeadlineExceeded()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(
            Deployments.New("bad", replicas: 2, new Dictionary<string, string> { ["tide.dev/simulate"] = "fail" }), ns);
        var d = await EventuallyAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("bad", ns), x => x.Status?.Conditions is not null);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded");
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "False");
        Assert.Null(d.Status.AvailableReplicas);
    }

    [Theory]
    [InlineData(false, "Complete")]
    [InlineData(true, "Failed")]
    public async Task Job_CompletesOrFails(bool fail, string condition)
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new() { Name = "job", Annotations = fail ? new Dictionary<string, string> { ["tide.dev/simulate"] = "fail" } : null },
            Spec = new V1JobSpec
            {
                BackoffLimit = 2,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                },
            },
        }, ns);
        var wait = await fixture.KubectlAsync("-n", ns, "wait", $"--for=condition={condition}", "job/job", "--timeout=20s");
        wait.Ok();
        var job = await Client.BatchV1.ReadNamespacedJobAsync("job", ns);
        if (fail) Assert.Equal(3, job.Status.Failed);
        else Assert.Equal(1, job.Status.Succeeded);
    }

    [Fact]
    public async Task StatefulSetDaemonSetAndPvc_BecomeReady()
    {
        var ns = await fixture.NewNamespaceAsync();
        var template = Deployments.New("s", 1).Spec.Template;
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new() { Name = "s" },
            Spec = new V1StatefulSetSpec { Replicas = 2, ServiceName = "s", Selector = new() { MatchLabels = template.Metadata.Labels }, Template = template },
        }, ns);
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet
        {
            Metadata = new() { Name = "d" },
            Spec = new V1DaemonSetSpec { Selector = new() { MatchLabels = template.Metadata.Labels }, Template = template },
        }, ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new() { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, ns);

        var sts = await EventuallyAsync(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("s", ns), x => x.Status?.ReadyReplicas == 2);
        Assert.Equal(2, sts.Status.ReadyReplicas);
        var ds = await EventuallyAsync(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("d", ns), x => x.Status?.NumberReady == 1);
        Assert.Equal(1, ds.Status.NumberAvailable);
        var pvc = await EventuallyAsync(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns), x => x.Status?.Phase == "Bound");
        Assert.Equal("Bound", pvc.Status.Phase);
        Assert.Equal("1Gi", pvc.Status.Capacity["storage"].ToString());

        pvc.Spec.StorageClassName = "other";
        await StatusAssert.FailsAsync(System.Net.HttpStatusCode.UnprocessableEntity, "Invalid",
            () => Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(pvc, "data", ns));
    }
}
