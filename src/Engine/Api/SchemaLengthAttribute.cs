namespace Tide.Engine.Api;

/// <summary>OpenAPI "minLength"/"maxLength" of a string property in the generated CRD schema (0 = no bound).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaLengthAttribute(int min, int max) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}
