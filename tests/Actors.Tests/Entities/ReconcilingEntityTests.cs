using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

/// <summary>What every entity does with its object and its work: the copy it reconciles from, cancellation of stale
/// work, retries, and finalizing on ticks.</summary>
public sealed class ReconcilingEntityTests() : TestKit("akka.actor.serialize-messages = on")
{
    private const string App = "Kustomization/ns/app";
    private readonly StoredObjects _objects = new();
    private static readonly ArtifactLocation V1 = Artifact('1');
    private static readonly ArtifactLocation V2 = Artifact('2');
    private static readonly ArtifactLocation V3 = Artifact('3');

    [Fact]
    public void QueuedReconcile_StartsFromWhatThePreviousOneWrote_NeverFromAnOlderWatchEvent()
    {
        var release = new TaskCompletionSource();
        var handler = new ScriptedHandler(async (obj, artifact, _) =>
        {
            // First sight, before the source's artifact arrived: nothing to apply.
            if (artifact is null)
                return new ReconcileOutcome(false, TimeSpan.FromMinutes(10));
            // Like an apply once started, this work ignores cancellation and reports what it did.
            if (artifact == V2)
                await release.Task;
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), artifact)
            {
                Written = Written(resourceVersion: 10 * Revision(artifact), inventory: artifact!.Revision),
            };
        });
        var (entity, sources) = Start(handler, first: _objects.Changed(App, sourceName: "repo", resourceVersion: 1));
        sources.ExpectMsg<Subscribe>();
        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V1));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V1));
        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V2));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V2));

        // A commit arrives mid-apply, then the watch events of older versions (the first write, the first sight).
        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V3));
        entity.Tell(new ObjectChanged(App, "10"));
        entity.Tell(_objects.Changed(App, sourceName: "repo", resourceVersion: 1));
        release.SetResult();

        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V3));
        var third = handler.Calls.Last();
        Assert.Equal(V3, third.Artifact);
        // It prunes against the inventory of V2 (what the reconcile before it applied), not V1's.
        Assert.Equal(V2.Revision, (string?)third.Object["status"]?["inventory"]);
        Assert.Equal("20", (string?)third.Object["metadata"]?["resourceVersion"]);
    }

    [Fact]
    public void WatchEventOlderThanItsOwnWrite_IsIgnored()
    {
        var handler = new ScriptedHandler((_, _, _) => Task.FromResult(
            new ReconcileOutcome(true, TimeSpan.FromMinutes(10)) { Written = Written(resourceVersion: 20, inventory: "written") }));
        var (entity, _) = Start(handler, first: _objects.Changed(App, sourceName: "repo", resourceVersion: 1));
        AwaitCondition(() => handler.Calls.Count == 1);

        // The watcher delivers the first sight's version late, after the entity's write returned version 20.
        entity.Tell(new ObjectChanged(App, "5"));
        // Drift makes it reconcile from the copy it holds.
        entity.Tell(new DriftDetected(App, "ConfigMap/ns/a", ""));

        AwaitCondition(() => handler.Calls.Count == 2, TimeSpan.FromSeconds(3));
        Assert.Equal("written", (string?)handler.Calls.Last().Object["status"]?["inventory"]);
    }

    [Fact]
    public void ChangeAtAVersionItHolds_ReadsNothing_ANewerVersionIsRead()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10)));
        var (entity, _) = Start(handler, first: _objects.Changed(App, resourceVersion: 1));
        AwaitCondition(() => handler.Calls.Count == 1);
        var reads = _objects.Reads;

        // A relist announces every object again: an entity that holds that version reads nothing.
        entity.Tell(new ObjectChanged(App, "1"));
        entity.Tell(_objects.Changed(App, generation: 2, resourceVersion: 2));

        AwaitCondition(() => handler.Calls.Count == 2);
        Assert.Equal(2, (long?)handler.Calls.Last().Object["metadata"]?["generation"]);
        Assert.Equal(reads + 1, _objects.Reads);
    }

    [Fact]
    public void FailedRead_IsTriedAgain()
    {
        var handler = new RecordingHandler(_ => new ReconcileOutcome(true, TimeSpan.FromMinutes(10)));
        var stored = Objects.Object(App, resourceVersion: 1);
        var attempts = 0;
        ObjectLoader flaky = async (_, ct) =>
        {
            await Task.Yield();
            return Interlocked.Increment(ref attempts) == 1 ? throw new HttpRequestException("connection refused") : stored;
        };
        var regions = new ShardRegions();
        regions.Add("GitRepository", CreateTestProbe());
        Sys.ActorOf(KustomizationEntity.Props(App, handler, regions,
            new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0), flaky));

        AwaitCondition(() => handler.Calls.Count == 1, TimeSpan.FromSeconds(5));
        Assert.Equal(2, Volatile.Read(ref attempts));
    }

    [Fact]
    public void NewRevision_CancelsTheWorkUnderWay_AndTheNextWorkGetsAFreshToken()
    {
        var handler = new ScriptedHandler(async (_, artifact, ct) =>
        {
            if (artifact == V1)
                await Task.Delay(Timeout.Infinite, ct);
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10), artifact);
        });
        var (entity, sources) = Start(handler, first: _objects.Changed(App, sourceName: "repo"));
        sources.ExpectMsg<Subscribe>();
        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V1));
        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V1));

        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V2));

        AwaitCondition(() => handler.Calls.Any(c => c.Artifact == V2));
        Assert.True(handler.Calls.Single(c => c.Artifact == V1).Token.IsCancellationRequested);
        Assert.False(handler.Calls.Single(c => c.Artifact == V2).Token.IsCancellationRequested);
    }

    [Fact]
    public void NewGeneration_CancelsTheWorkUnderWay_AndReconcilesTheNewSpec()
    {
        var handler = new ScriptedHandler(async (obj, _, ct) =>
        {
            if ((long?)obj["metadata"]?["generation"] == 1)
                await Task.Delay(Timeout.Infinite, ct);
            return new ReconcileOutcome(true, TimeSpan.FromMinutes(10));
        });
        var (entity, _) = Start(handler, first: _objects.Changed(App, generation: 1, resourceVersion: 1));
        AwaitCondition(() => handler.Calls.Count == 1);

        entity.Tell(_objects.Changed(App, generation: 2, resourceVersion: 2));

        AwaitCondition(() => handler.Calls.Count == 2);
        Assert.True(handler.Calls.First().Token.IsCancellationRequested);
        Assert.Equal(2, (long?)handler.Calls.Last().Object["metadata"]?["generation"]);
    }

    [Fact]
    public void Deletion_CancelsTheWorkUnderWay_ThenFinalizesOnTicksUntilDone()
    {
        var rounds = 0;
        var handler = new ScriptedHandler(
            async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ReconcileOutcome(true, TimeSpan.FromMinutes(10));
            },
            // Twice "still terminating", then done.
            (_, _) => Task.FromResult(Interlocked.Increment(ref rounds) < 3 ? TimeSpan.FromMilliseconds(100) : (TimeSpan?)null));
        var (entity, _) = Start(handler, first: _objects.Changed(App, resourceVersion: 1));
        AwaitCondition(() => handler.Calls.Count == 1);

        entity.Tell(_objects.Changed(App, resourceVersion: 2, deleting: true));

        AwaitCondition(() => handler.Finalized.Count == 3, TimeSpan.FromSeconds(5));
        Assert.True(handler.Calls.Single().Token.IsCancellationRequested);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, handler.Finalized.Count);
    }

    [Fact]
    public void NewRevision_DuringAFinalizeRound_DoesNotStopIt()
    {
        var release = new TaskCompletionSource();
        var completed = 0;
        var handler = new ScriptedHandler(
            (_, artifact, _) => Task.FromResult(new ReconcileOutcome(true, TimeSpan.FromMinutes(10), artifact)),
            async (_, ct) =>
            {
                await release.Task.WaitAsync(ct);
                Interlocked.Increment(ref completed);
                return null;
            });
        var (entity, sources) = Start(handler, first: _objects.Changed(App, sourceName: "repo", resourceVersion: 1));
        sources.ExpectMsg<Subscribe>();
        entity.Tell(_objects.Changed(App, sourceName: "repo", resourceVersion: 2, deleting: true));
        AwaitCondition(() => handler.Finalized.Count == 1);

        entity.Tell(new ArtifactChanged(App, "GitRepository/ns/repo", V1));
        // A later message with a visible effect: once it shows, the artifact was handled.
        entity.Tell(_objects.Changed(App, sourceName: "moved", resourceVersion: 3, deleting: true));
        sources.ExpectMsg<Unsubscribe>();
        release.SetResult();

        AwaitCondition(() => Volatile.Read(ref completed) == 1);
        Assert.False(Assert.Single(handler.Finalized).Token.IsCancellationRequested);
        Assert.DoesNotContain(handler.Calls, c => c.Artifact == V1);
    }

    [Fact]
    public void FailedReconcile_IsRetriedAfterItsRetryInterval_NotOnAGrowingBackoff()
    {
        // A Kustomization's failure carries its retryInterval (300ms here); the node's backoff starts at 100ms.
        var handler = new RecordingHandler(_ => new ReconcileOutcome(false, TimeSpan.FromMilliseconds(300)));
        var (entity, _) = Start(handler, first: _objects.Changed(App));

        AwaitCondition(() => handler.Calls.Count >= 4, TimeSpan.FromSeconds(5));
        var times = handler.Calls.Select(c => c.At).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        // Timers never fire early; a loaded machine may fire late.
        Assert.All(gaps.Take(3), gap => Assert.InRange(gap, 290, 900));
    }

    /// <summary>Starts the entity of App, whose object <paramref name="first"/> stored, and tells it the change.</summary>
    private (IActorRef Entity, Akka.TestKit.TestProbe Sources) Start(IReconcileHandler handler, ObjectChanged first)
    {
        var sources = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("GitRepository", sources);
        regions.Add("Kustomization", CreateTestProbe());
        var timing = new ReconcileTiming(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0);
        var entity = Sys.ActorOf(KustomizationEntity.Props(App, handler, regions, timing, _objects.Loader));
        entity.Tell(first);
        return (entity, sources);
    }

    /// <summary>The object as a status write returns it: version <paramref name="resourceVersion"/>, with the
    /// inventory (here: the revision it applied).</summary>
    private static JsonObject Written(long resourceVersion, string inventory)
    {
        var obj = Objects.Object(App, sourceName: "repo", resourceVersion: resourceVersion);
        obj["status"] = new JsonObject { ["inventory"] = inventory };
        return obj;
    }

    private static ArtifactLocation Artifact(char c) =>
        new($"main@sha1:{new string(c, 4)}", "sha256:" + new string(c, 64), $"http://127.0.0.1:1/{c}.tar.gz");

    private static int Revision(ArtifactLocation? artifact) => artifact!.Revision[^1] - '0';
}
