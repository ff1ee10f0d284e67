namespace Tide.Engine.Api;

/// <summary>OpenAPI "enum" of a string property in the generated CRD schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaEnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
