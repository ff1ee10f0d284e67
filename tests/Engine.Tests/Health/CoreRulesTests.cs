using Tide.Engine.Health;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class CoreRulesTests
{
    [Fact]
    public void PersistentVolumeClaim_Bound_IsCurrent_Pending_IsInProgress()
    {
        const string template = """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"apps"},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}},
             "status":{"phase":"PHASE"}}
            """;

        Assert.Equal(HealthResult.Current("PVC is Bound"), Compute(template.Replace("PHASE", "Bound")));
        Assert.Equal(HealthResult.InProgress("PVC is not Bound. phase: Pending"), Compute(template.Replace("PHASE", "Pending")));
    }

    [Fact]
    public void PersistentVolumeClaim_WithoutStatus_IsInProgress()
    {
        var result = Compute("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"apps"}}""");

        Assert.Equal(HealthResult.InProgress("PVC is not Bound. phase: unknown"), result);
    }

    [Theory]
    [InlineData("""{"type":"ClusterIP","clusterIP":"10.96.0.12"}""", HealthStatus.Current, "Service is ready")]
    [InlineData("""{"type":"LoadBalancer","clusterIP":"10.96.0.12"}""", HealthStatus.Current, "Service is ready")]
    [InlineData("""{"type":"LoadBalancer"}""", HealthStatus.InProgress, "ClusterIP not set. Service type: LoadBalancer")]
    [InlineData("""{"ports":[{"port":80}]}""", HealthStatus.Current, "Service is ready")]
    public void Service_LoadBalancer_WaitsForClusterIP(string spec, HealthStatus status, string message)
    {
        var result = Compute($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"apps"},"spec":{{{spec}}}}""");

        Assert.Equal(new HealthResult(status, message), result);
    }

    [Fact]
    public void Namespace_Active_IsCurrent_Terminating_IsTerminating()
    {
        const string template = """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"},"spec":{"finalizers":["kubernetes"]},
             "status":{"phase":"PHASE"}}
            """;

        Assert.Equal(HealthResult.Current("Namespace is active"), Compute(template.Replace("PHASE", "Active")));
        Assert.Equal(HealthStatus.Terminating, Compute(template.Replace("PHASE", "Terminating")).Status);
    }

    [Fact]
    public void CustomResourceDefinition_Established_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"widgets.example.com","generation":1},
             "status":{"conditions":[
               {"type":"NamesAccepted","status":"True","reason":"NoConflicts","message":"no conflicts found"},
               {"type":"Established","status":"True","reason":"InitialNamesAccepted","message":"the initial names have been accepted"}],
               "acceptedNames":{"kind":"Widget","plural":"widgets"},"storedVersions":["v1"]}}
            """);

        Assert.Equal(HealthResult.Current("CRD is established"), result);
    }

    [Fact]
    public void CustomResourceDefinition_Installing_IsInProgress()
    {
        var result = Compute("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "status":{"conditions":[
               {"type":"NamesAccepted","status":"True","reason":"NoConflicts"},
               {"type":"Established","status":"False","reason":"Installing","message":"the initial names have not been accepted"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("Install in progress"), result);
    }

    [Fact]
    public void CustomResourceDefinition_NamesNotAccepted_IsFailed_WithTheConflict()
    {
        var result = Compute("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "status":{"conditions":[
               {"type":"NamesAccepted","status":"False","reason":"KindConflict","message":"\"Widget\" is already in use"},
               {"type":"Established","status":"False","reason":"NotAccepted","message":"not all names are accepted"}]}}
            """);

        Assert.Equal(HealthResult.Failed("\"Widget\" is already in use"), result);
    }
}
