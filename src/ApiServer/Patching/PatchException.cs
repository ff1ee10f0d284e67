namespace Tide.ApiServer.Patching;

/// <summary>A patch that cannot be applied: the core answers 422 Invalid (or 400 BadRequest when BadRequest is set).</summary>
public sealed class PatchException(string message, bool badRequest = false) : Exception(message)
{
    public bool BadRequest { get; } = badRequest;
}
