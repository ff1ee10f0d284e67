namespace Tide.Engine.Api;

/// <summary>The Provider an Alert sends to and which events it lets through.</summary>
public sealed record AlertSpec
{
    /// <summary>The Provider (in the Alert's namespace) that sends the notifications.</summary>
    public required LocalObjectReference ProviderRef { get; init; }

    /// <summary>'info' lets every event through; 'error' only errors.</summary>
    [SchemaEnum("info", "error")]
    [SchemaDefault("\"info\"")]
    public string? EventSeverity { get; init; }

    /// <summary>The objects whose events the Alert sends: by kind and name ('*' for all of a kind, optionally
    /// narrowed by matchLabels); namespace defaults to the Alert's.</summary>
    public required IReadOnlyList<ReceiverResourceReference> EventSources { get; init; }

    /// <summary>Regular expressions: when set, only messages matching one of them are sent.</summary>
    public IReadOnlyList<string>? InclusionList { get; init; }

    /// <summary>Metadata added to every event sent (an event's own metadata wins over it).</summary>
    public IReadOnlyDictionary<string, string>? EventMetadata { get; init; }

    /// <summary>Regular expressions: messages matching one of them are not sent.</summary>
    public IReadOnlyList<string>? ExclusionList { get; init; }

    /// <summary>A short description of the impact (deprecated in Flux: use eventMetadata.summary).</summary>
    [SchemaLength(0, 255)]
    public string? Summary { get; init; }

    /// <summary>A suspended Alert sends nothing.</summary>
    public bool? Suspend { get; init; }

    public string GetEventSeverity() => string.IsNullOrEmpty(EventSeverity) ? "info" : EventSeverity;
}
