using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Http;

/// <summary>kubectl, an independent real client, against the server.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class KubectlTests(ApiServerFixture fixture)
{
    private const string App = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports:
          - port: 80
        """;

    [Fact]
    public async Task ValidatingAdmissionPolicies_AreServed_AsChartsShipThem()
    {
        var name = $"safe-upgrades-{Guid.NewGuid():N}"[..24];
        var yaml = $$"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata:
              name: {{name}}
            spec:
              failurePolicy: Fail
              matchConstraints:
                resourceRules:
                - apiGroups: ["apiextensions.k8s.io"]
                  apiVersions: ["v1"]
                  operations: ["CREATE", "UPDATE"]
                  resources: ["customresourcedefinitions"]
              validations:
              - expression: "true"
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata:
              name: {{name}}
            spec:
              policyName: {{name}}
              validationActions: [Deny]
            """;

        var applied = (await fixture.KubectlAsync(["apply", "-f", "-"], yaml, TimeSpan.FromSeconds(60))).Ok();

        Assert.Contains($"validatingadmissionpolicy.admissionregistration.k8s.io/{name} created", applied);
        Assert.Contains($"validatingadmissionpolicybinding.admissionregistration.k8s.io/{name} created", applied);
        Assert.Equal(name, (await fixture.KubectlAsync("get", "validatingadmissionpolicybinding", name, "-o", "jsonpath={.spec.policyName}")).Ok());
    }

    [Fact]
    public async Task CreateDeploymentAndJob_RunAndExpose_SendProtobufThatIsUnderstood()
    {
        var ns = "kubectl-" + Guid.NewGuid().ToString("N")[..8];
        (await fixture.KubectlAsync("create", "namespace", ns)).Ok();

        Assert.Contains("deployment.apps/web created",
            (await fixture.KubectlAsync("-n", ns, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080")).Ok());
        var deployment = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "deployment", "web", "-o", "json")).Ok())!;
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("web", deployment["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("web", deployment["spec"]!["selector"]!["matchLabels"]!["app"]!.GetValue<string>());
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx", container["name"]!.GetValue<string>());
        Assert.Equal("nginx:1.27", container["image"]!.GetValue<string>());
        Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<int>());

        Assert.Contains("pod/box created", (await fixture.KubectlAsync("-n", ns, "run", "box", "--image=busybox:1.36",
            "--restart=Never", "--env=MODE=test", "--labels=team=a", "--", "sleep", "60")).Ok());
        var pod = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "pod", "box", "-o", "json")).Ok())!;
        Assert.Equal("Never", pod["spec"]!["restartPolicy"]!.GetValue<string>());
        Assert.Equal("a", pod["metadata"]!["labels"]!["team"]!.GetValue<string>());
        var box = pod["spec"]!["containers"]![0]!;
        Assert.Equal("busybox:1.36", box["image"]!.GetValue<string>());
        Assert.Equal(["sleep", "60"], box["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("MODE", box["env"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("test", box["env"]![0]!["value"]!.GetValue<string>());

        Assert.Contains("service/web exposed",
            (await fixture.KubectlAsync("-n", ns, "expose", "deployment", "web", "--port=80", "--target-port=8080")).Ok());
        var service = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "service", "web", "-o", "json")).Ok())!;
        Assert.Equal("web", service["spec"]!["selector"]!["app"]!.GetValue<string>());
        Assert.Equal(80, service["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal(8080, service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>());
        Assert.Equal("TCP", service["spec"]!["ports"]![0]!["protocol"]!.GetValue<string>());

        Assert.Contains("job.batch/once created",
            (await fixture.KubectlAsync("-n", ns, "create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi")).Ok());
        var job = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "job", "once", "-o", "json")).Ok())!;
        var jobPod = job["spec"]!["template"]!["spec"]!;
        Assert.Equal("Never", jobPod["restartPolicy"]!.GetValue<string>());
        Assert.Equal(["echo", "hi"], jobPod["containers"]![0]!["command"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateNamespace_AndConfigMap_ThenGetInEveryOutputFormat()
    {
        var ns = "kubectl-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Contains($"namespace/{ns} created", (await fixture.KubectlAsync("create", "namespace", ns)).Ok());
        (await fixture.KubectlAsync("-n", ns, "create", "configmap", "settings", "--from-literal=color=blue", "--from-literal=size=L")).Ok();

        var yaml = (await fixture.KubectlAsync("-n", ns, "get", "configmap", "settings", "-o", "yaml")).Ok();
        Assert.Contains("color: blue", yaml);
        Assert.Contains("kind: ConfigMap", yaml);

        var json = JsonNode.Parse((await fixture.KubectlAsync("-n", ns, "get", "configmap", "settings", "-o", "json")).Ok())!;
        Assert.Equal("L", json["data"]!["size"]!.GetValue<string>());
        Assert.Equal(ns, json["metadata"]!["namespace"]!.GetValue<string>());

        Assert.Equal("blue", (await fixture.KubectlAsync("-n", ns, "get", "cm", "settings", "-o", "jsonpath={.data.color}")).Ok());

        var table = (await fixture.KubectlAsync("-n", ns, "get", "configmaps")).Ok();
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+DATA\s+AGE$", lines[0]);
        Assert.Matches(@"^settings\s+2\s+\d+s$", lines.Single(l => l.StartsWith("settings")));

        Assert.Equal("Active", (await fixture.Client.CoreV1.ReadNamespaceAsync(ns)).Status.Phase);
    }

    [Fact]
    public async Task ClientSideApply_ThenGetWideAndAll()
    {
        var ns = await fixture.NewNamespaceAsync("csa");
        var applied = (await fixture.KubectlAsync(["-n", ns, "apply", "-f", "-"], App, TimeSpan.FromSeconds(60))).Ok();
        Assert.Contains("deployment.apps/web created", applied);
        Assert.Contains("service/web created", applied);
        Assert.Contains("deployment.apps/web unchanged", (await fixture.KubectlAsync(["-n", ns, "apply", "-f", "-"], App, TimeSpan.FromSeconds(60))).Ok());
        var scaled = (await fixture.KubectlAsync(["-n", ns, "apply", "-f", "-"], App.Replace("replicas: 2", "replicas: 4"), TimeSpan.FromSeconds(60))).Ok();
        Assert.Contains("deployment.apps/web configured", scaled);

        var wide = (await fixture.KubectlAsync("-n", ns, "get", "deploy", "-o", "wide")).Ok().Split('\n')[0];
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$", wide);

        var all = (await fixture.KubectlAsync("-n", ns, "get", "all")).Ok();
        Assert.Contains("deployment.apps/web", all);
        Assert.Matches(@"service/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80/TCP", all);

        var deployment = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", deployment.Metadata.Annotations.Keys);
    }

    [Fact]
    public async Task ApiResources_ListsShortNamesAndKinds()
    {
        var output = (await fixture.KubectlAsync("api-resources")).Ok();
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", output);
        Assert.Matches(@"customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition", output);
        Assert.Matches(@"namespaces\s+ns\s+v1\s+false\s+Namespace", output);
        var namespaced = (await fixture.KubectlAsync("api-resources", "--namespaced=false", "-o", "name")).Ok();
        Assert.Contains("clusterroles.rbac.authorization.k8s.io", namespaced);
        Assert.DoesNotContain("configmaps", namespaced);
    }

    [Fact]
    public async Task Delete_WithAndWithoutWait()
    {
        var ns = await fixture.NewNamespaceAsync("del");
        foreach (var name in new[] { "a", "b" })
        {
            await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = name } }, ns);
        }
        Assert.Contains("configmap \"a\" deleted", (await fixture.KubectlAsync("-n", ns, "delete", "configmap", "a")).Ok());
        Assert.Contains("configmap \"b\" deleted", (await fixture.KubectlAsync("-n", ns, "delete", "configmap", "b", "--wait=false")).Ok());
        Assert.Empty(NamespaceContent.OwnConfigMaps(await fixture.Client.CoreV1.ListNamespacedConfigMapAsync(ns)));

        var missing = await fixture.KubectlAsync("-n", ns, "delete", "configmap", "a");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NotFound", missing.Stderr);
    }

    [Fact]
    public async Task Scale_ThenRolloutStatusWaitsForTheSimulatedRollout()
    {
        var ns = await fixture.NewNamespaceAsync("scale");
        await fixture.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("s", replicas: 1), ns);
        Assert.Contains("deployment.apps/s scaled", (await fixture.KubectlAsync("-n", ns, "scale", "deployment/s", "--replicas=4")).Ok());

        var scale = await fixture.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("s", ns);
        Assert.Equal(4, scale.Spec.Replicas);
        Assert.Equal("app=s", scale.Status.Selector);

        var rollout = (await fixture.KubectlAsync("-n", ns, "rollout", "status", "deployment/s", "--timeout=20s")).Ok();
        Assert.Contains("successfully rolled out", rollout);
        Assert.Equal(4, (await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("s", ns)).Status.AvailableReplicas);
    }
}
