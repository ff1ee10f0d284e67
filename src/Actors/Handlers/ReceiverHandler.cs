using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Notifications;

namespace Tide.Actors.Handlers;

/// <summary>Runs the Receiver reconciler for an entity (its token from spec.secretRef) and writes the status.</summary>
public sealed class ReceiverHandler(ReceiverReconciler reconciler, SecretReader secrets, StatusWriter status) : IReconcileHandler
{
    private const string Controller = "notification-controller";

    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var receiver = FluxJson.FromNode<Receiver>(obj);
        var secret = await secrets.ReadAsync(receiver.Metadata.NamespaceProperty ?? "", receiver.Spec.SecretRef, null, ct);
        var result = reconciler.Reconcile(receiver, secret.Auth);
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status), result.Events, Controller);
        return ReconcileOutcome.From(result.Requeue) with { Written = written };
    }
}
