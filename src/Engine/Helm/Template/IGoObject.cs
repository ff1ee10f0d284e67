namespace Tide.Engine.Helm.Template;

/// <summary>A Go struct (or pointer) seen by templates: named fields and methods, e.g. .Release, .Capabilities.</summary>
public interface IGoObject
{
    /// <summary>Go's type name, for %T, typeOf and error messages.</summary>
    string GoType { get; }

    /// <summary>Resolves a field (args empty) or calls a method; false when the type has no such member.</summary>
    bool TryGetMember(string name, object?[] args, out object? value);
}
