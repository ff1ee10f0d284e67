using Tide.Engine.Health;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class WorkloadRulesTests
{
    // What the embedded API server's WorkloadSimulator writes for a healthy Deployment.
    private const string SimulatedAvailableDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"apps","generation":1,"creationTimestamp":"2026-11-25T03:59:00Z"},
         "spec":{"replicas":3,"progressDeadlineSeconds":600,"selector":{"matchLabels":{"app":"web"}}},
         "status":{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,
           "conditions":[
             {"type":"Available","status":"True","lastUpdateTime":"2026-11-25T03:59:01Z","lastTransitionTime":"2026-11-25T03:59:01Z",
              "reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},
             {"type":"Progressing","status":"True","lastUpdateTime":"2026-11-25T03:59:01Z","lastTransitionTime":"2026-11-25T03:59:01Z",
              "reason":"NewReplicaSetAvailable","message":"ReplicaSet \"web-1\" has successfully progressed."}]}}
        """;

    // What the simulator writes for a Deployment annotated tide.dev/simulate: fail.
    private const string SimulatedStalledDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"bad","namespace":"apps","generation":1,"annotations":{"tide.dev/simulate":"fail"}},
         "spec":{"replicas":2,"progressDeadlineSeconds":600},
         "status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"unavailableReplicas":2,
           "conditions":[
             {"type":"Available","status":"False","reason":"MinimumReplicasUnavailable","message":"Deployment does not have minimum availability."},
             {"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"ReplicaSet \"bad-1\" has timed out progressing."}]}}
        """;

    [Fact]
    public void Deployment_AllReplicasAvailable_IsCurrent()
    {
        Assert.Equal(HealthResult.Current("Deployment is available. Replicas: 3"), Compute(SimulatedAvailableDeployment));
    }

    [Fact]
    public void Deployment_ProgressDeadlineExceeded_IsFailed()
    {
        Assert.Equal(HealthResult.Failed("Progress deadline exceeded"), Compute(SimulatedStalledDeployment));
    }

    [Fact]
    public void Deployment_JustCreated_WithoutStatus_IsInProgress()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"apps","generation":1},
             "spec":{"replicas":2,"progressDeadlineSeconds":600},"status":{}}
            """);

        Assert.Equal(HealthResult.InProgress("Replicas: 0/2"), result);
    }

    [Theory]
    // Rolling update: the new ReplicaSet has 2 of 3 pods.
    [InlineData(3, 4, 2, 3, 3, "Updated: 2/3")]
    // All updated, the old pod is still terminating.
    [InlineData(3, 4, 3, 3, 3, "Pending termination: 1")]
    // All updated, one not available yet.
    [InlineData(3, 3, 3, 3, 2, "Available: 2/3")]
    // spec.replicas defaults to 1 and no pod is ready.
    [InlineData(null, 1, 1, 0, 1, "Ready: 0/1")]
    public void Deployment_Rollout_IsInProgress_WithCounts(int? spec, int replicas, int updated, int ready, int available, string message)
    {
        var specJson = spec is null ? """{"progressDeadlineSeconds":600}""" : $$"""{"replicas":{{spec}},"progressDeadlineSeconds":600}""";
        var result = Compute($$$"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"apps","generation":2},
             "spec":SPEC,
             "status":{"observedGeneration":2,"replicas":{{{replicas}}},"updatedReplicas":{{{updated}}},
               "readyReplicas":{{{ready}}},"availableReplicas":{{{available}}},
               "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},
                             {"type":"Progressing","status":"True","reason":"ReplicaSetUpdated","message":"ReplicaSet \"web-2\" is progressing."}]}}
            """.Replace("SPEC", specJson));

        Assert.Equal(HealthResult.InProgress(message), result);
    }

    [Fact]
    public void Deployment_CountsReady_ButProgressingNotYetNewReplicaSetAvailable_IsInProgress()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"apps","generation":2},
             "spec":{"replicas":1,"progressDeadlineSeconds":600},
             "status":{"observedGeneration":2,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,
               "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},
                             {"type":"Progressing","status":"True","reason":"ReplicaSetUpdated"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("ReplicaSet not Available"), result);
    }

    [Fact]
    public void Deployment_WithoutProgressDeadline_NeedsOnlyAvailable()
    {
        // The controller writes no Progressing condition when there is no deadline.
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"apps","generation":1},
             "spec":{"replicas":1},
             "status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,
               "conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("Deployment not Available"), result);
    }

    [Fact]
    public void StatefulSet_AsSimulated_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"apps","generation":1},
             "spec":{"replicas":2,"serviceName":"db"},
             "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"availableReplicas":2,"currentReplicas":2,
               "updatedReplicas":2,"currentRevision":"db-1","updateRevision":"db-1","collisionCount":0}}
            """);

        Assert.Equal(HealthResult.Current("All replicas scheduled as expected. Replicas: 2"), result);
    }

    [Fact]
    public void StatefulSet_SimulatedFail_IsInProgress_NotReady()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"apps","generation":1,
               "annotations":{"tide.dev/simulate":"fail"}},
             "spec":{"replicas":2},
             "status":{"observedGeneration":1,"replicas":2,"readyReplicas":0,"availableReplicas":0,"currentReplicas":2,
               "updatedReplicas":2,"currentRevision":"db-1","updateRevision":"db-1"}}
            """);

        Assert.Equal(HealthResult.InProgress("Ready: 0/2"), result);
    }

    [Fact]
    public void StatefulSet_RevisionMismatch_IsInProgress()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"apps","generation":2},
             "spec":{"replicas":1},
             "status":{"observedGeneration":2,"replicas":1,"readyReplicas":1,"currentReplicas":1,"updatedReplicas":1,
               "currentRevision":"db-6d8f","updateRevision":"db-7c4b"}}
            """);

        Assert.Equal(HealthResult.InProgress("Waiting for updated revision to match current"), result);
    }

    [Theory]
    [InlineData(1, "Partition rollout complete. updated: 2")]
    [InlineData(0, "updated: 2/3")]
    public void StatefulSet_Partition_CountsOnlyOrdinalsAbovePartition(int partition, string message)
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"apps","generation":2},
             "spec":{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":PARTITION}}},
             "status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"currentReplicas":1,"updatedReplicas":2,
               "currentRevision":"db-1","updateRevision":"db-2"}}
            """.Replace("PARTITION", partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(partition == 1 ? HealthStatus.Current : HealthStatus.InProgress, result.Status);
        Assert.Equal(message, result.Message);
    }

    [Fact]
    public void StatefulSet_OnDelete_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"apps"},
             "spec":{"replicas":3,"updateStrategy":{"type":"OnDelete"}},"status":{"replicas":0}}
            """);

        Assert.Equal(HealthResult.Current("StatefulSet is using the ondelete update strategy"), result);
    }

    [Fact]
    public void DaemonSet_AsSimulated_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system","generation":1},
             "spec":{"selector":{"matchLabels":{"app":"agent"}}},
             "status":{"observedGeneration":1,"desiredNumberScheduled":1,"currentNumberScheduled":1,"updatedNumberScheduled":1,
               "numberMisscheduled":0,"numberReady":1,"numberAvailable":1}}
            """);

        Assert.Equal(HealthResult.Current("All replicas scheduled as expected. Replicas: 1"), result);
    }

    [Fact]
    public void DaemonSet_SimulatedFail_IsInProgress_NotAvailable()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system","generation":1},
             "status":{"observedGeneration":1,"desiredNumberScheduled":1,"currentNumberScheduled":1,"updatedNumberScheduled":1,
               "numberMisscheduled":0,"numberReady":0,"numberAvailable":0,"numberUnavailable":1}}
            """);

        Assert.Equal(HealthResult.InProgress("Available: 0/1"), result);
    }

    [Fact]
    public void DaemonSet_NotYetObserved_IsInProgress()
    {
        // Unlike the generic rule, a DaemonSet without observedGeneration has not been seen by its controller.
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system","generation":1},
             "status":{"desiredNumberScheduled":0,"currentNumberScheduled":0,"numberReady":0,"numberMisscheduled":0}}
            """);

        Assert.Equal(HealthResult.InProgress("DaemonSet status.observedGeneration not found"), result);
    }

    [Fact]
    public void ReplicaSet_AsSimulated_IsCurrent_AndSimulatedFail_IsInProgress()
    {
        const string template = """
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1","namespace":"apps","generation":1},
             "spec":{"replicas":2},
             "status":{"observedGeneration":1,"replicas":2,"fullyLabeledReplicas":2,"readyReplicas":READY,"availableReplicas":READY}}
            """;

        Assert.Equal(HealthResult.Current("ReplicaSet is available. Replicas: 2"), Compute(template.Replace("READY", "2")));
        Assert.Equal(HealthResult.InProgress("Available: 0/2"), Compute(template.Replace("READY", "0")));
    }

    [Fact]
    public void ReplicaSet_ReplicaFailure_IsInProgress()
    {
        var result = Compute("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1","namespace":"apps","generation":1},
             "spec":{"replicas":1},
             "status":{"observedGeneration":1,"replicas":0,"conditions":[{"type":"ReplicaFailure","status":"True",
               "reason":"FailedCreate","message":"pods \"web-1-x\" is forbidden: exceeded quota"}]}}
            """);

        Assert.Equal(HealthResult.InProgress("Replica Failure condition. Check Pods"), result);
    }

    [Fact]
    public void Job_AsSimulatedComplete_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"apps","generation":1},
             "spec":{"completions":1,"parallelism":1,"backoffLimit":6},
             "status":{"startTime":"2026-11-25T03:59:00Z","active":0,"ready":0,"terminating":0,"uncountedTerminatedPods":{},
               "succeeded":1,"completionTime":"2026-11-25T03:59:01Z","conditions":[
                 {"type":"SuccessCriteriaMet","status":"True","reason":"CompletionsReached","message":"Reached expected number of succeeded pods"},
                 {"type":"Complete","status":"True","reason":"CompletionsReached","message":"Reached expected number of succeeded pods"}]}}
            """);

        Assert.Equal(HealthResult.Current("Job Completed. succeeded: 1/1"), result);
    }

    [Fact]
    public void Job_AsSimulatedFail_IsFailed()
    {
        var result = Compute("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"apps","generation":1,
               "annotations":{"tide.dev/simulate":"fail"}},
             "spec":{"completions":1,"parallelism":1,"backoffLimit":2},
             "status":{"startTime":"2026-11-25T03:59:00Z","active":0,"ready":0,"terminating":0,"uncountedTerminatedPods":{},
               "failed":3,"conditions":[
                 {"type":"FailureTarget","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"},
                 {"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}}
            """);

        Assert.Equal(HealthResult.Failed("Job Failed. failed: 3/1"), result);
    }

    [Fact]
    public void Job_NotStarted_IsInProgress_ButRunning_IsCurrent()
    {
        const string created = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"apps","generation":1},
             "spec":{"parallelism":2},"status":{}}
            """;
        const string running = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"apps","generation":1},
             "spec":{"parallelism":2},"status":{"startTime":"2026-11-25T03:59:00Z","active":2}}
            """;

        Assert.Equal(HealthResult.InProgress("Job not started"), Compute(created));
        Assert.Equal(HealthResult.Current("Job in progress. success:0, active: 2, failed: 0"), Compute(running));
    }

    [Fact]
    public void Job_Suspended_IsCurrent()
    {
        var result = Compute("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"apps","generation":1},
             "spec":{"suspend":true},
             "status":{"conditions":[{"type":"Suspended","status":"True","reason":"JobSuspended","message":"Job suspended"}]}}
            """);

        Assert.Equal(HealthResult.Current("Job is suspended"), result);
    }

    [Theory]
    [InlineData("Succeeded", "", HealthStatus.Current, "Pod has completed successfully")]
    [InlineData("Failed", "", HealthStatus.Current, "Pod has completed, but not successfully")]
    [InlineData("Running", """{"type":"Ready","status":"True"}""", HealthStatus.Current, "Pod is Ready")]
    [InlineData("Running", """{"type":"Ready","status":"False","reason":"ContainersNotReady"}""", HealthStatus.InProgress, "Pod is running but is not Ready")]
    [InlineData("Pending", """{"type":"PodScheduled","status":"True"}""", HealthStatus.InProgress, "Pod is in the Pending phase")]
    public void Pod_ByPhaseAndReady(string phase, string condition, HealthStatus status, string message)
    {
        var result = Compute($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps","creationTimestamp":"2026-11-25T03:00:00Z"},
             "status":{"phase":"{{{phase}}}","conditions":[{{{condition}}}]}}
            """);

        Assert.Equal(new HealthResult(status, message), result);
    }

    [Fact]
    public void Pod_CrashLooping_IsFailed_NamingContainers()
    {
        var result = Compute("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}],
               "containerStatuses":[
                 {"name":"app","ready":false,"restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 2m40s"}}},
                 {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-11-25T03:00:05Z"}}}]}}
            """);

        Assert.Equal(HealthResult.Failed("Containers in CrashLoop state: app"), result);
    }

    [Theory]
    [InlineData("2026-11-25T03:59:50Z", HealthStatus.InProgress, "Pod has not been scheduled")]
    [InlineData("2026-11-25T03:59:00Z", HealthStatus.Failed, "Pod could not be scheduled")]
    public void Pod_Unschedulable_FailsOnlyAfterTheScheduleWindow(string created, HealthStatus status, string message)
    {
        var result = Compute($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps","creationTimestamp":"{{{created}}}"},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable",
               "message":"0/1 nodes are available: 1 Insufficient cpu."}]}}
            """);

        Assert.Equal(new HealthResult(status, message), result);
    }

    [Fact]
    public void Pod_WithoutPhase_IsInProgress()
    {
        var result = Compute("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},"status":{}}""");

        Assert.Equal(HealthResult.InProgress("Pod phase not available"), result);
    }
}
