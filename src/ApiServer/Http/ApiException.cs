using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Http;

/// <summary>A request that fails the way Kubernetes fails it: becomes a Status object with code and reason.</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.DeepClone(),
        ["code"] = Code,
    };

    private static JsonObject Named(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.StorageKey} \"{name}\" not found", Named(type, name));

    public static ApiException NotFound(string message) => new(404, "NotFound", message);

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.StorageKey} \"{name}\" already exists", Named(type, name));

    public static ApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.StorageKey} \"{name}\": {why}", Named(type, name));

    public static ApiException Stale(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Invalid(ResourceType type, string name, params StatusCause[] causes)
    {
        var details = Named(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        var text = string.Join(", ", causes.Select(c => c.Field.Length > 0 ? $"{c.Field}: {c.Message}" : c.Message));
        return new ApiException(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {text}", details);
    }

    public static ApiException Immutable(ResourceType type, string name, string field, string message = "field is immutable") =>
        Invalid(type, name, new StatusCause("FieldValueInvalid", field, $"Invalid value: {message}"));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Forbidden(string message) => new(403, "Forbidden", message);

    /// <summary>Kubernetes' NewForbidden: <c>deployments.apps "web" is forbidden: why</c> (no name: <c>deployments.apps
    /// is forbidden: why</c>), with details name, group and kind (the resource); empty ones are left out.</summary>
    public static ApiException Forbidden(string group, string resource, string name, string why)
    {
        var qualified = group.Length == 0 ? resource : resource + "." + group;
        var details = new JsonObject();
        if (name.Length > 0) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        details["kind"] = resource;
        return new ApiException(403, "Forbidden",
            name.Length == 0 ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{name}\" is forbidden: {why}", details);
    }

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException NotAcceptable(string message) => new(406, "NotAcceptable", message);

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiException TooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"the request body is larger than the limit of {limit} bytes");

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException TooManyRequests(string message) => new(429, "TooManyRequests", message);

    public static ApiException Internal(string message) => new(500, "InternalError", message);
}
