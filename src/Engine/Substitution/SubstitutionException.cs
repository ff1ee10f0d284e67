namespace Tide.Engine.Substitution;

/// <summary>
/// Post-build substitution failed: a variable source is missing or malformed, a variable name is invalid, or an object
/// cannot be expanded (the message names the object and, for an undefined variable, the variable).
/// </summary>
public sealed class SubstitutionException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The undefined variable, when that is the cause.</summary>
    public string? Variable => (InnerException as EnvSubstException)?.Variable;
}
