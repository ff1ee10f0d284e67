namespace Tide.Engine.Api;

/// <summary>OpenAPI "pattern" of a string property in the generated CRD schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
