using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Actors.Watchers;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

public sealed class KustomizationEntityTests() : TestKit("akka.actor.serialize-messages = on")
{
    private const string App = "Kustomization/ns/app";
    private readonly StoredObjects _objects = new();
    private const string Source = "GitRepository/ns/repo";
    private static readonly ArtifactLocation V1 = new("main@sha1:1111", "sha256:" + new string('a', 64), "http://127.0.0.1:1/a.tar.gz");

    [Fact]
    public void ObjectChanged_SubscribesToItsSource_AndReconcilesWhenTheArtifactArrives()
    {
        var sources = CreateTestProbe();
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10)));
        var entity = Start(handler, sources, first: _objects.Changed(App, sourceName: "repo"));
        Assert.Equal(new Subscribe(Source, App), sources.ExpectMsg<Subscribe>());

        entity.Tell(new ArtifactChanged(App, Source, V1));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V1));

        // The same artifact again (a re-subscribe answer) does not reconcile again.
        var calls = handler.Calls.Count;
        entity.Tell(new ArtifactChanged(App, Source, V1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(calls, handler.Calls.Count);
    }

    [Fact]
    public void FailedReconcile_IsRetriedOnItsRetryInterval_NotAgainWhenARenewedSubscriptionRepeatsTheArtifact()
    {
        var sources = CreateTestProbe();
        // Retried after 10 minutes: any reconcile within this test is one the messages caused.
        var handler = new RecordingHandler(_ => new ReconcileOutcome(false, TimeSpan.FromMinutes(10)));
        var entity = Start(handler, sources, first: _objects.Changed(App, sourceName: "repo"));
        sources.ExpectMsg<Subscribe>();
        entity.Tell(new ArtifactChanged(App, Source, V1));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V1));
        var calls = handler.Calls.Count;

        // The source answers every renewed subscription with its artifact, which this entity failed to apply.
        entity.Tell(new ArtifactChanged(App, Source, V1));
        entity.Tell(new ArtifactChanged(App, Source, V1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(calls, handler.Calls.Count);

        // A new artifact is news, failed or not.
        var v2 = V1 with { Revision = "main@sha1:2222", Digest = "sha256:" + new string('c', 64) };
        entity.Tell(new ArtifactChanged(App, Source, v2));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == v2));
    }

    [Fact]
    public void DriftDetected_OfItsOwnWrite_IsIgnored_ButAnyOtherStateOrADeletionReconciles()
    {
        var sources = CreateTestProbe();
        var applied = new Dictionary<string, string> { ["ConfigMap/ns/a"] = "AS-APPLIED" };
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1) { Applied = applied });
        var entity = Start(handler, sources, backoffMin: TimeSpan.FromSeconds(10), first: _objects.Changed(App, sourceName: "repo"));
        AwaitCondition(() => handler.Calls.Count == 1);

        // The watch event of the apply itself: the object is as the apply left it.
        entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", "AS-APPLIED"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        Assert.Single(handler.Calls);

        entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", "EDITED"));
        AwaitCondition(() => handler.Calls.Count == 2, TimeSpan.FromSeconds(3));
        entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", ""));
        AwaitCondition(() => handler.Calls.Count == 3, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void DriftDetected_OfItsOwnApplyOrPrune_ArrivingBeforeTheReconcileEnds_IsIgnored()
    {
        var applied = new Dictionary<string, string> { ["ConfigMap/ns/a"] = "AS-APPLIED", ["ConfigMap/ns/old"] = "" };
        // The watch events of the apply and the prune reach the entity while the reconcile still writes its status.
        var handler = StartWithNewsWhileReconciling((entity, _, _) =>
        {
            entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", "AS-APPLIED"));
            entity.Tell(new DriftDetected(App, "ConfigMap/ns/old", ""));
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1) { Applied = applied };
        });
        AwaitCondition(() => !handler.Calls.IsEmpty);

        // Drift is reverted within the 1 s quiet period after a reconcile: wait past it.
        ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        Assert.Single(handler.Calls);
    }

    [Fact]
    public void DriftDetected_OfAnotherChange_ArrivingBeforeTheReconcileEnds_ReconcilesAfterIt()
    {
        var applied = new Dictionary<string, string> { ["ConfigMap/ns/a"] = "AS-APPLIED", ["ConfigMap/ns/b"] = "AS-APPLIED" };
        // Its own apply of a and b, then someone deletes b right after the apply wrote it.
        var handler = StartWithNewsWhileReconciling((entity, _, _) =>
        {
            entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", "AS-APPLIED"));
            entity.Tell(new DriftDetected(App, "ConfigMap/ns/b", "AS-APPLIED"));
            entity.Tell(new DriftDetected(App, "ConfigMap/ns/b", ""));
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1) { Applied = applied };
        });

        AwaitCondition(() => handler.Calls.Count >= 2, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void ArtifactChanged_WhileAReconcileReadsTheSameOneFromTheSourceStatus_DoesNotReconcileAgain()
    {
        // The subscription's answer arrives while the first reconcile (no artifact yet) applies what it read from
        // the source's status.
        var handler = StartWithNewsWhileReconciling((entity, artifact, _) =>
        {
            if (artifact is null)
                entity.Tell(new ArtifactChanged(App, Source, V1));
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), artifact ?? V1);
        });
        AwaitCondition(() => !handler.Calls.IsEmpty);

        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Single(handler.Calls);
    }

    [Fact]
    public void ArtifactChanged_WhileAReconcileReadsAnOlderOneFromTheSourceStatus_ReconcilesTheNewOneAfterIt()
    {
        var v2 = V1 with { Revision = "main@sha1:2222", Digest = "sha256:" + new string('c', 64) };
        var handler = StartWithNewsWhileReconciling((entity, artifact, _) =>
        {
            if (artifact is null)
                entity.Tell(new ArtifactChanged(App, Source, v2));
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), artifact ?? V1);
        });

        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == v2), TimeSpan.FromSeconds(3));
        Assert.Equal(2, handler.Calls.Count);
    }

    [Fact]
    public void ArtifactReadFromTheSourceStatus_IsNotAppliedAgainWhenTheMessageBringsIt()
    {
        var sources = CreateTestProbe();
        // The first reconcile ran before any ArtifactChanged: the handler found V1 in the source's status.
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1));
        var entity = Start(handler, sources, first: _objects.Changed(App, sourceName: "repo"));
        AwaitCondition(() => handler.Calls.Count == 1);
        Assert.Null(handler.Calls.Single().Artifact);

        entity.Tell(new ArtifactChanged(App, Source, V1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Single(handler.Calls);
    }

    [Fact]
    public void DependencyReady_StartsAWaitingKustomization_ButDoesNotRebuildOneThatApplied()
    {
        var sources = CreateTestProbe();
        var waiting = true;
        var handler = new RecordingHandler(_ => new ReconcileOutcome(!waiting, TimeSpan.FromMinutes(10), V1));
        var entity = Start(handler, sources, backoffMin: TimeSpan.FromSeconds(10), first: _objects.Changed(App, sourceName: "repo", dependsOn: "infra"));
        AwaitCondition(() => handler.Calls.Count == 1);

        // The dependency became ready: the waiting Kustomization starts at once (no retry before 10 s).
        waiting = false;
        entity.Tell(new DependencyReady(App, "Kustomization/ns/infra"));
        AwaitCondition(() => handler.Calls.Count == 2, TimeSpan.FromSeconds(3));

        // Once applied, readiness news (e.g. the answer to its own watch request) builds nothing again.
        entity.Tell(new DependencyReady(App, "Kustomization/ns/infra"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, handler.Calls.Count);
    }

    [Fact]
    public void DependencyReady_ArrivingWhileTheReconcileThatFoundItReadyRuns_DoesNotReconcileAgain()
    {
        // The dependency's news (the answer to this entity's watch request) arrives after the reconcile read it as
        // ready, while it applies.
        var handler = StartWithNewsWhileReconciling((entity, _, _) =>
        {
            entity.Tell(new DependencyReady(App, "Kustomization/ns/infra"));
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1);
        }, dependsOn: "infra");
        AwaitCondition(() => !handler.Calls.IsEmpty);

        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Single(handler.Calls);
    }

    [Fact]
    public void DependencyReady_ArrivingWhileAReconcileWaitingOnItRuns_ReconcilesAfterIt()
    {
        // The dependency became ready just after the first reconcile found it not ready (retried only after 10 s).
        var handler = StartWithNewsWhileReconciling((entity, _, call) =>
        {
            if (call > 1)
                return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1);
            entity.Tell(new DependencyReady(App, "Kustomization/ns/infra"));
            return new ReconcileOutcome(false, TimeSpan.FromSeconds(10));
        }, dependsOn: "infra");

        AwaitCondition(() => handler.Calls.Count == 2, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Interval_RenewsTheSubscription_SoARestartedSourceLearnsItsSubscribers()
    {
        var sources = CreateTestProbe();
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMilliseconds(300)));
        var entity = Start(handler, sources, first: _objects.Changed(App, sourceName: "repo"));
        sources.ExpectMsg<Subscribe>();
        sources.ExpectMsg<Subscribe>(TimeSpan.FromSeconds(3));
        sources.ExpectMsg<Subscribe>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void SourceRefChange_UnsubscribesTheOldSource_AndIgnoresItsArtifacts()
    {
        var sources = CreateTestProbe();
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10)));
        var entity = Start(handler, sources, first: _objects.Changed(App, sourceName: "repo"));
        sources.ExpectMsg<Subscribe>();

        entity.Tell(_objects.Changed(App, generation: 2, sourceName: "other"));
        Assert.Equal(new Unsubscribe(Source, App), sources.ExpectMsg<Unsubscribe>());
        Assert.Equal(new Subscribe("GitRepository/ns/other", App), sources.ExpectMsg<Subscribe>());

        entity.Tell(new ArtifactChanged(App, Source, V1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.DoesNotContain(handler.Calls, c => c.Artifact == V1);
    }

    [Fact]
    public void SourceRestart_EndToEnd_ConsumerGetsTheArtifactAgainAfterTheSourceEntityIsReplaced()
    {
        var regions = new ShardRegions();
        var sourceHandler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1));
        var consumerHandler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMilliseconds(300)));
        var timing = () => new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0);
        var router = Sys.ActorOf(Props.Create(() => new Router()));
        regions.Add("GitRepository", router);
        regions.Add("Kustomization", router);
        router.Tell(new Router.Register(Source, Sys.ActorOf(SourceEntity.Props(Source, sourceHandler, regions, timing(), _objects.Loader))));
        router.Tell(new Router.Register(App, Sys.ActorOf(KustomizationEntity.Props(App, consumerHandler, regions, timing(), _objects.Loader))));

        router.Tell(_objects.Changed(Source));
        router.Tell(_objects.Changed(App, sourceName: "repo"));
        AwaitCondition(() => consumerHandler.Calls.Any(c => c.Artifact == V1), TimeSpan.FromSeconds(5));

        // The source entity moves (a fresh instance knows no subscribers); the consumer's next interval heals it.
        var V2 = V1 with { Revision = "main@sha1:2222", Digest = "sha256:" + new string('c', 64) };
        var movedHandler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V2));
        router.Tell(new Router.Register(Source, Sys.ActorOf(SourceEntity.Props(Source, movedHandler, regions, timing(), _objects.Loader))));
        router.Tell(_objects.Changed(Source));
        AwaitCondition(() => consumerHandler.Calls.Any(c => c.Artifact == V2), TimeSpan.FromSeconds(5));
    }

    /// <summary>Starts an entity for Kustomization App (source repo) whose reconciles run <paramref name="reconcile"/>
    /// (given the entity, the artifact handed over and the call's number): what it tells the entity reaches it while
    /// that reconcile runs, before its result.</summary>
    private ScriptedHandler StartWithNewsWhileReconciling(Func<IActorRef, ArtifactLocation?, int, ReconcileOutcome> reconcile,
        string? dependsOn = null)
    {
        IActorRef entity = ActorRefs.Nobody;
        var calls = 0;
        var handler = new ScriptedHandler((_, artifact, _) =>
            Task.FromResult(reconcile(entity, artifact, Interlocked.Increment(ref calls))));
        entity = Start(handler, CreateTestProbe(), backoffMin: TimeSpan.FromSeconds(10), first: _objects.Changed(App, sourceName: "repo", dependsOn: dependsOn));
        return handler;
    }

    [Fact]
    public void AppliedKinds_AreWatchedInItsTargetCluster_AndTheNeedIsWithdrawnOnDeletion()
    {
        var kinds = new List<AppliedKind> { new("v1", "ConfigMap") };
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10)) { AppliedKinds = kinds });
        var driftWatcher = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("GitRepository", CreateTestProbe());
        var entity = Sys.ActorOf(KustomizationEntity.Props(App, handler, regions, new ReconcileTiming(TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(800), 0), _objects.Loader, driftWatcher));

        var remote = Objects.Object(App, sourceName: "repo");
        remote["spec"]!["kubeConfig"] = new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "prod", ["key"] = "config" } };
        entity.Tell(_objects.Changed(remote));
        entity.Tell(new ArtifactChanged(App, Source, V1));
        var need = driftWatcher.ExpectMsg<DriftWatcher.WatchKinds>();
        Assert.Equal((App, new TargetClusterRef("ns", "prod", "config")), (need.KustomizationId, need.Cluster));
        Assert.Equal(kinds, need.Kinds);

        // Later reconciles (the artifact's arrival) renew the need; the deletion withdraws it.
        entity.Tell(new ObjectDeleted(App));
        var stop = driftWatcher.FishForMessage(m => m is DriftWatcher.StopWatching);
        Assert.Equal(App, ((DriftWatcher.StopWatching)stop).KustomizationId);
    }

    /// <summary>Starts the entity of App, whose object <paramref name="first"/> stored, and tells it the change.</summary>
    private IActorRef Start(IReconcileHandler handler, Akka.TestKit.TestProbe sources, TimeSpan? backoffMin = null,
        ObjectChanged? first = null)
    {
        var regions = new ShardRegions();
        regions.Add("GitRepository", sources);
        regions.Add("Kustomization", CreateTestProbe());
        var entity = Sys.ActorOf(KustomizationEntity.Props(App, handler, regions, new ReconcileTiming(backoffMin ?? TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0), _objects.Loader));
        if (first is not null)
            entity.Tell(first);
        return entity;
    }

    /// <summary>Stands in for shard regions: routes entity messages to the registered entity actor.</summary>
    private sealed class Router : ReceiveActor
    {
        public sealed record Register(string EntityId, IActorRef Entity);

        public Router()
        {
            var entities = new Dictionary<string, IActorRef>();
            Receive<Register>(r => entities[r.EntityId] = r.Entity);
            Receive<IEntityMessage>(m =>
            {
                if (entities.TryGetValue(m.EntityId, out var entity))
                    entity.Forward(m);
            });
        }
    }
}
