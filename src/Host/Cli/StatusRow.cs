using System.Text.Json.Nodes;

namespace Tide.Host.Cli;

/// <summary>One object as `tide get` shows it (NAMESPACE NAME REVISION SUSPENDED READY MESSAGE); the web UI lists the
/// same rows.</summary>
public sealed record StatusRow(string Kind, string Namespace, string Name, string Revision, bool Suspended, string Ready,
    string Message)
{
    public static StatusRow Of(FluxKind kind, JsonObject obj)
    {
        var (ready, message) = FluxObjects.Ready(obj);
        return new StatusRow(kind.Kind, FluxObjects.Namespace(obj), FluxObjects.Name(obj), kind.Revision(obj),
            FluxObjects.IsSuspended(obj), ready, message);
    }
}
