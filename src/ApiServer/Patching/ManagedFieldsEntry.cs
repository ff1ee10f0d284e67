using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>One metadata.managedFields entry: the fields one manager owns through one kind of operation.</summary>
internal sealed record ManagedFieldsEntry(string Manager, string Operation, string? ApiVersion, string? Time,
    string? Subresource, FieldSet Fields)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    // The fieldsV1 JSON an entry was read from, reused when written back with the very set it was read as: most writes
    // leave most entries alone, and copying their JSON is cheaper than rendering it again. Records copy these on `with`.
    private FieldSet? readFields;
    private JsonObject? readFieldsV1;

    /// <summary>Which entry a write belongs to, as Kubernetes identifies managers: by name, operation and subresource,
    /// and for updates also by API version (an applier keeps one entry whatever version it applies with).</summary>
    public (string Manager, string Operation, string? ApiVersion, string? Subresource) Identity =>
        (Manager, Operation, Operation == Apply ? null : ApiVersion, Subresource);

    public static ManagedFieldsEntry Parse(JsonObject entry)
    {
        var fieldsType = (string?)entry["fieldsType"];
        if (fieldsType is not (null or "FieldsV1"))
            throw new FormatException($"unsupported fieldsType \"{fieldsType}\"");
        var operation = (string?)entry["operation"];
        if (operation is not (Apply or Update))
            throw new FormatException($"unknown operation \"{operation}\"");
        var fieldsV1 = entry["fieldsV1"] as JsonObject;
        var fields = fieldsV1 is null ? new FieldSet() : FieldSet.FromFieldsV1(fieldsV1);
        return new ManagedFieldsEntry(
            (string?)entry["manager"] ?? "",
            operation,
            (string?)entry["apiVersion"],
            (string?)entry["time"],
            (string?)entry["subresource"] is { Length: > 0 } subresource ? subresource : null,
            fields)
        {
            readFields = fields,
            readFieldsV1 = fieldsV1,
        };
    }

    /// <summary>The entry as Kubernetes serializes it (ManagedFieldsEntry's field order).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["manager"] = Manager, ["operation"] = Operation };
        if (ApiVersion is not null)
            json["apiVersion"] = ApiVersion;
        if (Time is not null)
            json["time"] = Time;
        json["fieldsType"] = "FieldsV1";
        json["fieldsV1"] = ReferenceEquals(Fields, readFields) && readFieldsV1 is not null
            ? readFieldsV1.DeepClone()
            : Fields.ToFieldsV1();
        if (Subresource is not null)
            json["subresource"] = Subresource;
        return json;
    }

    /// <summary>RFC 3339 with whole seconds, as metav1.Time serializes.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
