namespace Tide.Engine.Notifications;

/// <summary>The object an event is about (a core/v1 ObjectReference).</summary>
public sealed record EventObject(string ApiVersion, string Kind, string Namespace, string Name)
{
    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary>The API group of the object's kind ("" for the core group).</summary>
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    /// <summary>"Kind/namespace/name", as notification-controller names an involved object in messages.</summary>
    public override string ToString() => $"{Kind}/{Namespace}/{Name}";
}
