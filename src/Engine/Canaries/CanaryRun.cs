using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Canaries;

/// <summary>
/// One step of a Canary's analysis: the Canary as read, the status it is building (Flagger's status writes, made in
/// memory and written once at the end), and the events and alerts it produced. The setters follow Flagger's
/// SyncStatus and SetStatus* rules, so that the status written reads exactly as Flagger's would.
/// </summary>
public sealed class CanaryRun
{
    public const string PromotedCondition = "Promoted";
    public const string EventReason = "Synced";
    private readonly TimeProvider _time;
    private readonly List<ReconcileEvent> _events = [];
    private readonly List<CanaryAlertMessage> _alerts = [];
    private readonly IReadOnlyList<CanaryCondition> _previous;
    private CanaryCondition? _promoted;

    public CanaryRun(JsonObject obj, Canary canary, TimeProvider time)
    {
        _time = time;
        Object = obj;
        Canary = canary;
        Analysis = canary.Spec.Analysis ?? canary.Spec.CanaryAnalysis ?? new CanaryAnalysis();
        var status = canary.Status ?? new CanaryStatus();
        Phase = status.Phase ?? "";
        FailedChecks = status.FailedChecks;
        CanaryWeight = status.CanaryWeight;
        Iterations = status.Iterations;
        TrackedConfigs = status.TrackedConfigs;
        LastAppliedSpec = status.LastAppliedSpec;
        LastPromotedSpec = status.LastPromotedSpec;
        LastTransitionTime = status.LastTransitionTime;
        _previous = status.Conditions ?? [];
        _promoted = _previous.FirstOrDefault(c => c.Type == PromotedCondition);
        var apex = canary.Spec.Service.Name is { Length: > 0 } name ? name : canary.Spec.TargetRef.Name;
        Services = (apex, apex + "-primary", apex + "-canary");
    }

    public JsonObject Object { get; }

    public Canary Canary { get; }

    public CanaryAnalysis Analysis { get; }

    public string Name => Canary.Metadata.Name;

    public string Namespace => Canary.Metadata.NamespaceProperty ?? "";

    public string TargetName => Canary.Spec.TargetRef.Name;

    public string TargetKind => Canary.Spec.TargetRef.Kind is { Length: > 0 } kind ? kind : "Deployment";

    /// <summary>The apex Service (also the HTTPRoute's name), the primary's and the canary's.</summary>
    public (string Apex, string Primary, string Canary) Services { get; }

    public bool SkipAnalysis => (Canary.Spec.Analysis is null && Canary.Spec.CanaryAnalysis is null) || Canary.Spec.SkipAnalysis == true;

    public int Threshold => Analysis.Threshold is > 0 and var t ? t : 1;

    public string Phase { get; private set; }

    public int FailedChecks { get; private set; }

    public int CanaryWeight { get; private set; }

    public int Iterations { get; private set; }

    public IReadOnlyDictionary<string, string>? TrackedConfigs { get; private set; }

    public string? LastAppliedSpec { get; private set; }

    public string? LastPromotedSpec { get; private set; }

    public DateTimeOffset? LastTransitionTime { get; private set; }

    /// <summary>The last warning of this step: what the Ready condition reports.</summary>
    public string? Warning { get; private set; }

    /// <summary>What stopped this step, when it was not a halt of the analysis itself.</summary>
    public CanaryFailure? Failure { get; set; }

    public IReadOnlyList<ReconcileEvent> Events => _events;

    public IReadOnlyList<CanaryAlertMessage> Alerts => _alerts;

    /// <summary>The Canary with the status built so far (what webhooks are told).</summary>
    public Canary Current => Canary with { Status = ToStatus() };

    public void Info(string message) => _events.Add(new ReconcileEvent(ReconcileEvent.Normal, EventReason, message));

    public void Warn(string message)
    {
        Warning = message;
        _events.Add(new ReconcileEvent(ReconcileEvent.Warning, EventReason, message));
    }

    public void Alert(string message, bool withMetadata, string severity) =>
        _alerts.Add(new CanaryAlertMessage(message, severity, withMetadata));

    /// <summary>Flagger's setPhaseInitializing.</summary>
    public void StartInitializing()
    {
        Phase = CanaryPhase.Initializing;
        Touch();
        UpdatePromoted();
    }

    /// <summary>Flagger's SyncStatus: phase and counters, the target's revision and configs.</summary>
    public void Sync(string phase, string templateHash, IReadOnlyDictionary<string, string> configs, int canaryWeight = 0)
    {
        Phase = phase;
        CanaryWeight = canaryWeight;
        FailedChecks = 0;
        Iterations = 0;
        LastAppliedSpec = templateHash;
        if (phase == CanaryPhase.Initialized)
            LastPromotedSpec = templateHash;
        TrackedConfigs = configs;
        Touch();
        UpdatePromoted();
    }

    /// <summary>Records the target's revision without changing the phase (a Failed canary keeps up with its target, so
    /// that reverting the target to the primary's spec does not start an analysis).</summary>
    public void SyncRevision(string templateHash, IReadOnlyDictionary<string, string> configs)
    {
        LastAppliedSpec = templateHash;
        TrackedConfigs = configs;
        Touch();
    }

    /// <summary>Flagger's SetStatusPhase: leaving the analysis resets weight and iterations.</summary>
    public void SetPhase(string phase)
    {
        Phase = phase;
        Touch();
        if (phase is not (CanaryPhase.Progressing or CanaryPhase.Waiting or CanaryPhase.Promoting))
        {
            CanaryWeight = 0;
            Iterations = phase == CanaryPhase.WaitingPromotion ? (Analysis.Iterations ?? 0) - 1 : 0;
        }
        if (phase is CanaryPhase.Initialized or CanaryPhase.Succeeded)
            LastPromotedSpec = LastAppliedSpec;
        UpdatePromoted();
    }

    public void SetWeight(int weight)
    {
        CanaryWeight = weight;
        Touch();
    }

    public void SetIterations(int iterations)
    {
        Iterations = iterations;
        Touch();
    }

    public void SetFailedChecks(int failedChecks)
    {
        FailedChecks = failedChecks;
        Touch();
    }

    public CanaryStatus ToStatus()
    {
        var conditions = new List<CanaryCondition>();
        if (_promoted is not null)
            conditions.Add(_promoted);
        var (status, reason, message) = Readiness();
        conditions.Add(Condition(ConditionTypes.Ready, status, reason, message));
        if (Failure is { Stalled: true } stalled)
            conditions.Add(Condition(ConditionTypes.Stalled, ConditionStatus.True, stalled.Reason, stalled.Message));
        return new CanaryStatus
        {
            Phase = Phase,
            FailedChecks = FailedChecks,
            CanaryWeight = CanaryWeight,
            Iterations = Iterations,
            TrackedConfigs = TrackedConfigs,
            LastAppliedSpec = LastAppliedSpec,
            LastPromotedSpec = LastPromotedSpec,
            LastTransitionTime = LastTransitionTime,
            Conditions = conditions,
        };
    }

    /// <summary>Tide's Ready condition: True once initialized or promoted with nothing to report, Unknown while an
    /// analysis runs (with its last halt as the message), False when the canary failed or this step could not run.</summary>
    private (string Status, string Reason, string Message) Readiness()
    {
        var phaseMessage = _promoted?.Message ?? "";
        if (Failure is { } failure)
            return (ConditionStatus.False, failure.Reason, failure.Message);
        if (Phase == CanaryPhase.Failed)
            return (ConditionStatus.False, CanaryPhase.Failed, Warning ?? phaseMessage);
        if (CanaryPhase.IsUnderWay(Phase))
            return (ConditionStatus.Unknown, Phase, Warning ?? phaseMessage);
        if (Warning is not null)
            return (ConditionStatus.False, CanaryFailure.ReconciliationFailed, Warning);
        return Phase is CanaryPhase.Initialized or CanaryPhase.Succeeded
            ? (ConditionStatus.True, Phase, phaseMessage)
            : (ConditionStatus.Unknown, Phase.Length > 0 ? Phase : CanaryPhase.Initializing, phaseMessage);
    }

    /// <summary>A condition of Tide's; its transition time moves only when its status does.</summary>
    private CanaryCondition Condition(string type, string status, string reason, string message)
    {
        var previous = _previous.FirstOrDefault(c => c.Type == type);
        return new CanaryCondition
        {
            Type = type, Status = status, Reason = reason, Message = message,
            LastTransitionTime = previous is not null && previous.Status == status ? previous.LastTransitionTime : _time.GetUtcNow(),
        };
    }

    private void Touch() => LastTransitionTime = _time.GetUtcNow();

    /// <summary>Flagger's MakeStatusConditions: the Promoted condition follows the phase; its transition time moves
    /// only when its status does.</summary>
    private void UpdatePromoted()
    {
        var kind = TargetKind;
        var (status, message) = Phase switch
        {
            CanaryPhase.Initialized => (ConditionStatus.True, $"{kind} initialization completed."),
            CanaryPhase.Waiting or CanaryPhase.WaitingPromotion => (ConditionStatus.Unknown, "Waiting for approval."),
            CanaryPhase.Progressing => (ConditionStatus.Unknown, "New revision detected, progressing canary analysis."),
            CanaryPhase.Promoting => (ConditionStatus.Unknown, "Canary analysis completed, starting primary rolling update."),
            CanaryPhase.Finalising => (ConditionStatus.Unknown, "Canary analysis completed, routing all traffic to primary."),
            CanaryPhase.Succeeded => (ConditionStatus.True, "Canary analysis completed successfully, promotion finished."),
            CanaryPhase.Failed => (ConditionStatus.False, $"Canary analysis failed, {kind} scaled to zero."),
            _ => (ConditionStatus.Unknown, $"New {kind} detected, starting initialization."),
        };
        if (_promoted is not null && _promoted.Status == status && _promoted.Reason == Phase)
            return;
        var now = _time.GetUtcNow();
        _promoted = new CanaryCondition
        {
            Type = PromotedCondition,
            Status = status,
            LastUpdateTime = now,
            LastTransitionTime = _promoted is not null && _promoted.Status == status ? _promoted.LastTransitionTime : now,
            Reason = Phase,
            Message = message,
        };
    }
}
