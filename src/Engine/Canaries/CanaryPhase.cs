namespace Tide.Engine.Canaries;

/// <summary>The phases of a Canary, as Flagger names them.</summary>
public static class CanaryPhase
{
    public const string Initializing = "Initializing";
    public const string Initialized = "Initialized";
    public const string Waiting = "Waiting";
    public const string Progressing = "Progressing";
    public const string WaitingPromotion = "WaitingPromotion";
    public const string Promoting = "Promoting";
    public const string Finalising = "Finalising";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Terminating = "Terminating";
    public const string Terminated = "Terminated";

    /// <summary>Phases in which an analysis is under way (Flagger's shouldAdvance).</summary>
    public static bool IsUnderWay(string phase) =>
        phase is Progressing or Waiting or WaitingPromotion or Promoting or Finalising;
}
