using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

public sealed class ExternalArtifactEntityTests() : TestKit("akka.actor.serialize-messages = on")
{
    private const string Artifact = "ExternalArtifact/ns/apps";
    private const string Consumer = "Kustomization/ns/apps";
    private static readonly ArtifactLocation V1 = new("latest@sha256:" + new string('a', 64), "sha256:" + new string('a', 64), "http://127.0.0.1:1/a.tar.gz");
    private static readonly ArtifactLocation V2 = new("latest@sha256:" + new string('b', 64), "sha256:" + new string('b', 64), "http://127.0.0.1:1/b.tar.gz");

    private readonly StoredObjects _stored = new();
    private long _version;

    private (IActorRef Entity, Akka.TestKit.TestProbe Consumers, Akka.TestKit.TestProbe Generators) Start()
    {
        var consumers = CreateTestProbe();
        var generators = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("Kustomization", consumers);
        regions.Add("ArtifactGenerator", generators);
        return (Sys.ActorOf(ExternalArtifactEntity.Props(Artifact, regions, _stored.Loader)), consumers, generators);
    }

    /// <summary>The object as its generator writes it, with <paramref name="artifact"/> in its status; the
    /// lastUpdateTime changes on every write, which is no news. Stored for the entity to read; the message announces
    /// its new resourceVersion.</summary>
    private ObjectChanged Written(ArtifactLocation artifact, string updated) => _stored.Changed(new JsonObject
    {
        ["apiVersion"] = "source.toolkit.fluxcd.io/v1",
        ["kind"] = "ExternalArtifact",
        ["metadata"] = new JsonObject { ["name"] = "apps", ["namespace"] = "ns", ["resourceVersion"] = (++_version).ToString() },
        ["spec"] = new JsonObject { ["sourceRef"] = new JsonObject { ["kind"] = "ArtifactGenerator", ["name"] = "flux-system" } },
        ["status"] = new JsonObject
        {
            ["artifact"] = new JsonObject
            {
                ["revision"] = artifact.Revision, ["digest"] = artifact.Digest, ["url"] = artifact.Url, ["lastUpdateTime"] = updated,
                ["path"] = "externalartifact/ns/apps/x.tar.gz",
            },
        },
    });

    [Fact]
    public void Subscribers_GetTheCurrentArtifact_ThenOnlyNewOnes()
    {
        var (entity, consumers, _) = Start();
        // Before its generator wrote it there is nothing to tell: the first message is the first artifact.
        entity.Tell(new Subscribe(Artifact, Consumer));
        entity.Tell(Written(V1, "2026-12-08T00:00:00Z"));
        Assert.Equal((Consumer, Artifact, V1), Published(consumers));

        // The same artifact written again (a rebuild with the same content) wakes nobody: the next message is V2's.
        entity.Tell(Written(V1, "2026-12-08T00:05:00Z"));
        entity.Tell(Written(V2, "2026-12-08T00:06:00Z"));
        Assert.Equal((Consumer, Artifact, V2), Published(consumers));

        entity.Tell(new Subscribe(Artifact, "Kustomization/ns/late"));
        Assert.Equal(("Kustomization/ns/late", Artifact, V2), Published(consumers));
    }

    [Fact]
    public void DeletedByHand_AsksItsGeneratorToReconcile()
    {
        var (entity, consumers, generators) = Start();
        entity.Tell(new Subscribe(Artifact, Consumer));
        entity.Tell(Written(V1, "2026-12-08T00:00:00Z"));
        // Read and adopted (the entity reads the object itself) before it is deleted.
        Assert.Equal((Consumer, Artifact, V1), Published(consumers));

        entity.Tell(new ObjectDeleted(Artifact));

        Assert.Equal("ArtifactGenerator/ns/flux-system", generators.ExpectMsg<ReconcileRequested>().EntityId);
    }

    private static (string, string, ArtifactLocation) Published(Akka.TestKit.TestProbe consumers)
    {
        var message = consumers.ExpectMsg<ArtifactChanged>();
        return (message.EntityId, message.SourceId, message.Artifact);
    }
}
