namespace Tide.Engine.Substitution;

/// <summary>A text that cannot be expanded: bad syntax, or (strict mode) an undefined variable, named in <see cref="Variable"/>.</summary>
public sealed class EnvSubstException(string message, string? variable) : Exception(message)
{
    public string? Variable { get; } = variable;
}
