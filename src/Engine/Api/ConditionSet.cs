namespace Tide.Engine.Api;

/// <summary>
/// The one place conditions change, following fluxcd/pkg runtime/conditions: setting a condition always records the
/// object's generation; its lastTransitionTime moves only when its state (status, reason or message) changes; messages
/// are trimmed to 32 KiB; the list is kept in kubectl-friendly order (Stalled, Reconciling, Ready, then the rest by
/// newest generation and type).
/// </summary>
public sealed class ConditionSet
{
    private const int MaxMessageLength = 32768;
    private const string TrimmedSuffix = "...";

    private readonly List<Condition> _conditions;
    private readonly long _generation;
    private readonly TimeProvider _time;

    public ConditionSet(IEnumerable<Condition>? existing, long generation, TimeProvider time)
    {
        _conditions = existing?.ToList() ?? [];
        _generation = generation;
        _time = time;
    }

    public Condition? Get(string type) => _conditions.Find(c => c.Type == type);

    public bool Has(string type) => Get(type) is not null;

    public bool IsTrue(string type) => Get(type)?.Status == ConditionStatus.True;

    public bool IsFalse(string type) => Get(type)?.Status == ConditionStatus.False;

    public void MarkTrue(string type, string reason, string message) => Set(type, ConditionStatus.True, reason, message);

    public void MarkFalse(string type, string reason, string message) => Set(type, ConditionStatus.False, reason, message);

    public void MarkUnknown(string type, string reason, string message) => Set(type, ConditionStatus.Unknown, reason, message);

    /// <summary>Reconciling=True and no Stalled: work is under way.</summary>
    public void MarkReconciling(string reason, string message)
    {
        Delete(ConditionTypes.Stalled);
        MarkTrue(ConditionTypes.Reconciling, reason, message);
    }

    /// <summary>Stalled=True and no Reconciling: nothing more happens until the object changes.</summary>
    public void MarkStalled(string reason, string message)
    {
        Delete(ConditionTypes.Reconciling);
        MarkTrue(ConditionTypes.Stalled, reason, message);
    }

    public void Set(string type, string status, string reason, string message)
    {
        message = Trim(message);
        var index = _conditions.FindIndex(c => c.Type == type);
        if (index < 0)
        {
            _conditions.Add(New(type, status, reason, message));
            return;
        }
        var current = _conditions[index];
        var sameState = current.Status == status && current.Reason == reason && current.Message == message;
        _conditions[index] = sameState
            ? current with { ObservedGeneration = _generation }
            : New(type, status, reason, message);
    }

    public void Delete(string type) => _conditions.RemoveAll(c => c.Type == type);

    /// <summary>The conditions in the order Flux writes them.</summary>
    public IReadOnlyList<Condition> ToList()
    {
        var sorted = _conditions.ToList();
        sorted.Sort(Compare);
        return sorted;
    }

    private Condition New(string type, string status, string reason, string message) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = _generation,
        // Kubernetes stores whole seconds; keeping the same precision makes a round trip lossless.
        LastTransitionTime = TruncateToSeconds(_time.GetUtcNow()),
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string Trim(string message) =>
        message.Length <= MaxMessageLength
            ? message
            : message[..(MaxMessageLength - TrimmedSuffix.Length)] + TrimmedSuffix;

    private static int Compare(Condition a, Condition b)
    {
        var wa = Weight(a.Type);
        var wb = Weight(b.Type);
        if (wa is not null || wb is not null)
            return (wa ?? int.MaxValue).CompareTo(wb ?? int.MaxValue);
        if (a.ObservedGeneration != b.ObservedGeneration)
            return (b.ObservedGeneration ?? 0).CompareTo(a.ObservedGeneration ?? 0);
        return string.CompareOrdinal(a.Type, b.Type);
    }

    private static int? Weight(string type) => type switch
    {
        ConditionTypes.Stalled => 0,
        ConditionTypes.Reconciling => 1,
        ConditionTypes.Ready => 2,
        _ => null,
    };
}
