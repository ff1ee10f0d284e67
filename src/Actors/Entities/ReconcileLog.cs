using Akka.Actor;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tide.Engine.Api;

namespace Tide.Actors.Entities;

/// <summary>
/// The one log line per reconcile outcome, with the keys Flux's controllers log (controller, controllerKind, name,
/// namespace, reconcileID) plus revision and duration; written to the actor system's logger factory (none: nothing).
/// </summary>
public sealed partial class ReconcileLog
{
    private readonly ILogger _log;
    private readonly string _kind;
    private readonly string _namespace;
    private readonly string _name;

    public ReconcileLog(ActorSystem system, string entityId)
    {
        var factory = system.Settings.Setup.Get<LoggerFactorySetup>();
        (_kind, _namespace, _name) = Sharding.EntityId.Parse(entityId);
        _log = factory.HasValue ? factory.Value.LoggerFactory.CreateLogger(_kind.ToLowerInvariant()) : NullLogger.Instance;
    }

    public void Outcome(ReconcileOutcome outcome, TimeSpan took)
    {
        if (!_log.IsEnabled(outcome.Succeeded ? LogLevel.Information : LogLevel.Error))
            return;
        using var scope = _log.BeginScope(new Dictionary<string, object?>
        {
            ["controller"] = _kind.ToLowerInvariant(),
            ["controllerKind"] = _kind,
            ["name"] = _name,
            ["namespace"] = _namespace,
            ["reconcileID"] = Guid.NewGuid().ToString(),
            ["revision"] = outcome.Artifact?.Revision ?? "",
        });
        var duration = GoDuration.Format(took);
        if (outcome.Succeeded)
            Finished(_log, duration);
        else
            Failed(_log, duration, outcome.Message.Length > 0 ? outcome.Message : ReadyMessage(outcome.Written));
    }

    /// <summary>What the failed reconcile wrote as its Ready condition's message.</summary>
    private static string ReadyMessage(System.Text.Json.Nodes.JsonObject? written) =>
        (written?["status"]?["conditions"] as System.Text.Json.Nodes.JsonArray ?? [])
        .FirstOrDefault(c => c?["type"]?.ToString() == ConditionTypes.Ready)?["message"]?.ToString() ?? "";

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation finished in {Duration}")]
    private static partial void Finished(ILogger log, string duration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation failed after {Duration}: {Error}")]
    private static partial void Failed(ILogger log, string duration, string error);
}
