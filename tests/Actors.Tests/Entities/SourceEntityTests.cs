using Akka.Actor;
using Akka.TestKit.Xunit2;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

public sealed class SourceEntityTests() : TestKit("akka.actor.serialize-messages = on")
{
    private const string Source = "GitRepository/ns/repo";
    private readonly StoredObjects _objects = new();
    private static readonly ArtifactLocation V1 = new("main@sha1:1111", "sha256:" + new string('a', 64), "http://127.0.0.1:1/a.tar.gz");
    private static readonly ArtifactLocation V2 = new("main@sha1:2222", "sha256:" + new string('b', 64), "http://127.0.0.1:1/b.tar.gz");

    /// <summary>Starts the entity of Source, whose object <paramref name="first"/> stored, and tells it the change.</summary>
    private (IActorRef Entity, Akka.TestKit.TestProbe Consumers) Start(IReconcileHandler handler, TimeSpan? backoffMin = null,
        ObjectChanged? first = null)
    {
        var consumers = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("Kustomization", consumers);
        regions.Add("GitRepository", CreateTestProbe());
        var entity = Sys.ActorOf(SourceEntity.Props(Source, handler, regions,
            new ReconcileTiming(backoffMin ?? TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0), _objects.Loader));
        if (first is not null)
            entity.Tell(first);
        return (entity, consumers);
    }

    [Fact]
    public void ObjectChanged_FirstSight_ReconcilesAtOnceThenOnItsInterval()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMilliseconds(300), V1));
        var (entity, _) = Start(handler, first: _objects.Changed(Source));

        AwaitCondition(() => handler.Calls.Count >= 3, TimeSpan.FromSeconds(5));
        var times = handler.Calls.Select(c => c.At).ToList();
        Assert.True(times[2] - times[1] >= TimeSpan.FromMilliseconds(250), $"interval was {(times[2] - times[1]).TotalMilliseconds} ms");
    }

    [Fact]
    public void Failures_BackOffExponentially_UpToTheMaximum()
    {
        // A source's failure asks for the backoff (source-controller's rate limiter); its interval plays no part.
        var handler = new RecordingHandler(_ => new ReconcileOutcome(false, TimeSpan.FromMinutes(10)) { Backoff = true });
        var (entity, _) = Start(handler, TimeSpan.FromMilliseconds(100), first: _objects.Changed(Source));

        AwaitCondition(() => handler.Calls.Count >= 6, TimeSpan.FromSeconds(10));
        var times = handler.Calls.Select(c => c.At).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        // 100, 200, 400, then capped at the maximum (800). Timers never fire early; a loaded machine may fire late.
        Assert.InRange(gaps[0], 90, 400);
        Assert.InRange(gaps[1], 190, 600);
        Assert.InRange(gaps[2], 390, 900);
        Assert.InRange(gaps[3], 790, 1600);
        Assert.InRange(gaps[4], 790, 1600);
    }

    [Fact]
    public void Subscribe_AnswersWithCurrentArtifact_AndPublishesNewOnes()
    {
        var revision = V1;
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), revision));
        var (entity, consumers) = Start(handler, first: _objects.Changed(Source));
        AwaitCondition(() => handler.Calls.Count == 1);

        entity.Tell(new Subscribe(Source, "Kustomization/ns/app"));
        var first = consumers.ExpectMsg<ArtifactChanged>();
        Assert.Equal(("Kustomization/ns/app", Source, V1), (first.EntityId, first.SourceId, first.Artifact));

        revision = V2;
        entity.Tell(_objects.Changed(Source, requestedAt: "now"));
        var second = consumers.ExpectMsg<ArtifactChanged>();
        Assert.Equal(V2, second.Artifact);
    }

    [Fact]
    public void StatusOnlyChange_DoesNotReconcile_ButRequestedAtAndSpecDo()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1));
        var (entity, _) = Start(handler, first: _objects.Changed(Source));
        AwaitCondition(() => handler.Calls.Count == 1);

        entity.Tell(_objects.Changed(Source, statusMessage: "written by Tide"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Single(handler.Calls);

        entity.Tell(_objects.Changed(Source, requestedAt: "2026-11-25T00:00:00Z"));
        AwaitCondition(() => handler.Calls.Count == 2);
        entity.Tell(_objects.Changed(Source, generation: 2, requestedAt: "2026-11-25T00:00:00Z"));
        AwaitCondition(() => handler.Calls.Count == 3);
    }

    [Fact]
    public void Suspend_StopsTheTimer_AndResumeReconciles()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMilliseconds(200), V1));
        var (entity, _) = Start(handler, first: _objects.Changed(Source));
        AwaitCondition(() => handler.Calls.Count >= 1);

        entity.Tell(_objects.Changed(Source, generation: 2, suspend: true));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var suspendedCount = handler.Calls.Count;
        ExpectNoMsg(TimeSpan.FromMilliseconds(700));
        Assert.Equal(suspendedCount, handler.Calls.Count);

        entity.Tell(_objects.Changed(Source, generation: 3, suspend: false));
        AwaitCondition(() => handler.Calls.Count > suspendedCount);
    }

    [Fact]
    public void ObjectDeleted_ReleasesWhatTheNodeHolds_AndStopsTheEntity()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMilliseconds(200), V1));
        var parent = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("Kustomization", CreateTestProbe());
        var changed = _objects.Changed(Source);
        var entity = parent.ChildActorOf(SourceEntity.Props(Source, handler, regions, new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0), _objects.Loader));
        entity.Tell(changed);
        AwaitCondition(() => handler.Calls.Count >= 1);

        entity.Tell(new ObjectDeleted(Source));

        // Sharding stops an entity through its parent (Passivate); the entity forgot its artifacts first.
        parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>();
        Assert.Single(handler.Forgotten);
        var calls = handler.Calls.Count;
        ExpectNoMsg(TimeSpan.FromMilliseconds(600));
        Assert.Equal(calls, handler.Calls.Count);
    }

    [Fact]
    public void RestartedWithoutAMessage_LoadsItsObject_AndReconciles_OrStopsWhenItIsGone()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10), V1));
        var regions = new ShardRegions();
        regions.Add("Kustomization", CreateTestProbe());
        _objects.Changed(Source);
        Sys.ActorOf(SourceEntity.Props(Source, handler, regions, new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0), _objects.Loader));

        AwaitCondition(() => handler.Calls.Count == 1);
        Assert.Equal("repo", handler.Calls.Single().Object["metadata"]!["name"]!.GetValue<string>());

        var parent = CreateTestProbe();
        parent.ChildActorOf(SourceEntity.Props(Source, handler, regions, new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), 0), new StoredObjects().Loader));
        parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>();
    }
}
