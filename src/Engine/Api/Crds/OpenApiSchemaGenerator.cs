using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Tide.Engine.Api.Crds;

/// <summary>
/// Builds the OpenAPI v3 schema of a CRD from the C# record that models it, so the types and the schema cannot drift
/// apart: property names follow <see cref="FluxJson"/>, C# <c>required</c> members become "required", and the
/// Schema* attributes add patterns, enums, lengths and defaults.
/// </summary>
public static class OpenApiSchemaGenerator
{
    public static JsonObject Generate(Type rootType)
    {
        var schema = ObjectSchema(rootType, []);
        // Like controller-gen: the API server checks metadata itself and a missing spec is the controller's to
        // report, so the root requires nothing even though the C# type needs both.
        schema.Remove("required");
        return schema;
    }

    private static JsonObject ObjectSchema(Type type, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
            throw new InvalidOperationException($"{type.Name} refers to itself; CRD schemas cannot be recursive");

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in SerializedProperties(type))
        {
            var name = JsonName(property);
            properties[name] = PropertySchema(property, visiting);
            if (property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
                required.Add(name);
        }
        visiting.Remove(type);

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            required.Sort(StringComparer.Ordinal);
            schema["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
        }
        return schema;
    }

    private static IEnumerable<PropertyInfo> SerializedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.SetMethod is not null && p.GetIndexParameters().Length == 0)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .OrderBy(JsonName, StringComparer.Ordinal);

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static JsonObject PropertySchema(PropertyInfo property, HashSet<Type> visiting)
    {
        var schema = TypeSchema(property.PropertyType, visiting);
        // Enums of a list describe its items (e.g. buildMetadata: [originAnnotations]).
        var target = schema["items"] as JsonObject ?? schema;
        if (property.GetCustomAttribute<SchemaEnumAttribute>() is { } enumeration)
            target["enum"] = new JsonArray(enumeration.Values.Select(v => (JsonNode)v).ToArray());
        if (property.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
            target["pattern"] = pattern.Pattern;
        if (property.GetCustomAttribute<SchemaLengthAttribute>() is { } length)
        {
            if (length.Min > 0)
                target["minLength"] = length.Min;
            if (length.Max > 0)
                target["maxLength"] = length.Max;
        }
        if (property.GetCustomAttribute<SchemaDefaultAttribute>() is { } defaultValue)
            schema["default"] = JsonNode.Parse(defaultValue.Json);
        return schema;
    }

    private static JsonObject TypeSchema(Type type, HashSet<Type> visiting)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(GoDuration))
            return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool))
            return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(long))
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        // Go's int, as controller-gen declares it: an integer of no stated width.
        if (type == typeof(int))
            return new JsonObject { ["type"] = "integer" };
        if (type == typeof(double))
            return new JsonObject { ["type"] = "number" };
        // A scalar of either kind (Kubernetes' IntOrString, e.g. a Service's targetPort).
        if (type == typeof(JsonNode))
            return new JsonObject { ["x-kubernetes-int-or-string"] = true };
        // Free-form JSON (HelmRelease values): any content, kept as given.
        if (type == typeof(JsonObject))
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        if (type == typeof(DateTimeOffset))
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        // The API server validates metadata itself; a CRD schema only says it is an object.
        if (type == typeof(V1ObjectMeta))
            return new JsonObject { ["type"] = "object" };
        if (DictionaryValueType(type) is { } valueType)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(valueType, visiting) };
        if (ListItemType(type) is { } itemType)
            return new JsonObject { ["type"] = "array", ["items"] = TypeSchema(itemType, visiting) };
        if (type.IsClass)
            return ObjectSchema(type, visiting);
        throw new NotSupportedException($"no OpenAPI mapping for {type.Name}");
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            ? type.GetGenericArguments()[0] == typeof(string)
                ? type.GetGenericArguments()[1]
                : throw new NotSupportedException("map keys must be strings")
            : null;

    private static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            ? type.GetGenericArguments()[0]
            : null;
}
