namespace Tide.Engine.Api;

/// <summary>OpenAPI "default" of a property in the generated CRD schema, as JSON text ("\"60s\"", "false",
/// "{\"observedGeneration\":-1}"); the API server fills it in.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
