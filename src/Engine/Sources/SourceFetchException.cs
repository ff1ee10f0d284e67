namespace Tide.Engine.Sources;

/// <summary>
/// A source could not be fetched. Carries the Flux reason to report (GitOperationFailed, URLInvalid, ...) and
/// whether retrying can help: a terminal failure (bad URL, bad semver range) waits for the object to change.
/// </summary>
public sealed class SourceFetchException(string reason, string message, bool terminal = false, Exception? inner = null)
    : Exception(message, inner)
{
    public string Reason { get; } = reason;

    public bool Terminal { get; } = terminal;
}
