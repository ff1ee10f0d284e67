using System.Text.Json.Nodes;
using Tide.Engine.Health;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class KstatusGenericTests
{
    [Fact]
    public void DeletionTimestamp_IsTerminating_EvenWhenOtherwiseReady()
    {
        var result = Compute("""
            {"apiVersion":"v1","kind":"ConfigMap",
             "metadata":{"name":"c","namespace":"a","deletionTimestamp":"2026-11-25T03:59:00Z","finalizers":["x/y"]},
             "data":{"k":"v"}}
            """);

        Assert.Equal(new HealthResult(HealthStatus.Terminating, "Resource scheduled for deletion"), result);
    }

    [Fact]
    public void ObservedGenerationBehind_IsInProgress_BeforeKindRules()
    {
        // The counters say ready, but they describe generation 2.
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"a","generation":3},
             "spec":{"replicas":1},
             "status":{"observedGeneration":2,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,
               "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},
                             {"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("Deployment generation is 3, but latest observed generation is 2"), result);
    }

    [Fact]
    public void StalledTrue_IsFailed_WithItsMessage()
    {
        var result = Compute("""
            {"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db","namespace":"a","generation":1},
             "status":{"observedGeneration":1,"conditions":[
               {"type":"Stalled","status":"True","reason":"InvalidSpec","message":"storage class gold does not exist"}]}}
            """);

        Assert.Equal(HealthResult.Failed("storage class gold does not exist"), result);
    }

    [Fact]
    public void ReconcilingTrue_IsInProgress_WithItsMessage()
    {
        var result = Compute("""
            {"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db","namespace":"a","generation":1},
             "status":{"observedGeneration":1,"conditions":[
               {"type":"Reconciling","status":"True","reason":"Provisioning","message":"creating volume"},
               {"type":"Stalled","status":"False","reason":"Provisioning"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("creating volume"), result);
    }

    [Fact]
    public void UnknownKind_WithoutAbnormalConditions_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"example.com/v1","kind":"Database","metadata":{"name":"db","namespace":"a","generation":1},
             "status":{"observedGeneration":1,"conditions":[{"type":"Reconciling","status":"False","reason":"Done"}]}}
            """);

        Assert.Equal(HealthResult.Current("Resource is current"), result);
    }

    [Theory]
    [InlineData("v1", "Secret")]
    [InlineData("v1", "ConfigMap")]
    [InlineData("batch/v1", "CronJob")]
    public void AlwaysReadyKinds_AreCurrent(string apiVersion, string kind)
    {
        var result = Compute($$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"x","namespace":"a"}}""");

        Assert.Equal(HealthResult.Current("Resource is always ready"), result);
    }

    [Fact]
    public void ObjectsBuiltInCode_WithIntCounters_ReadLikeParsedOnes()
    {
        // The API server's own code writes counters as int; parsed responses hold JsonElements.
        var daemonSet = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject { ["name"] = "agent", ["namespace"] = "a", ["generation"] = 2 },
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 2L,
                ["desiredNumberScheduled"] = 1,
                ["currentNumberScheduled"] = 1,
                ["updatedNumberScheduled"] = 1,
                ["numberReady"] = 1,
                ["numberAvailable"] = 0,
            },
        };

        Assert.Equal(HealthResult.InProgress("Available: 0/1"), Kstatus.Compute(daemonSet, Now));
    }
}
