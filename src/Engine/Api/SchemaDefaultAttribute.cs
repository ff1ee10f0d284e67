namespace Tide.Engine.Api;

/// <summary>OpenAPI "default" of a property in the generated CRD schema; the API server fills it in.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}
