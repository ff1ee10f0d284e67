using System.Text.Json.Nodes;

namespace Tide.Engine.Api.Crds;

/// <summary>Names and columns of one custom resource; its schema comes from <see cref="Type"/>.</summary>
public sealed record CrdDefinition
{
    public required Type Type { get; init; }

    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required string Plural { get; init; }

    public required IReadOnlyList<string> ShortNames { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required IReadOnlyList<PrinterColumn> PrinterColumns { get; init; }

    public string Name => $"{Plural}.{Group}";

    /// <summary>The CustomResourceDefinition manifest (apiextensions.k8s.io/v1).</summary>
    public JsonObject ToManifest() => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            // As Flux marks its CRDs: a Kustomization applying them must not substitute ${...} inside.
            ["annotations"] = new JsonObject { ["kustomize.toolkit.fluxcd.io/substitute"] = "disabled" },
        },
        ["spec"] = new JsonObject
        {
            ["group"] = Group,
            ["names"] = Names(),
            ["scope"] = "Namespaced",
            ["versions"] = new JsonArray(new JsonObject
            {
                ["additionalPrinterColumns"] = new JsonArray(PrinterColumns.Select(c => (JsonNode)new JsonObject
                {
                    ["jsonPath"] = c.JsonPath,
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                }).ToArray()),
                ["name"] = Version,
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = OpenApiSchemaGenerator.Generate(Type) },
                ["served"] = true,
                ["storage"] = true,
                // Kinds without a status (Flux's v1beta3 Alert and Provider) have no status subresource.
                ["subresources"] = Type.GetProperty("Status") is null ? new JsonObject()
                    : new JsonObject { ["status"] = new JsonObject() },
            }),
        },
    };

    /// <summary>Kinds without short names (Bucket) leave the field out, as Flux's CRDs do.</summary>
    private JsonObject Names()
    {
        var names = new JsonObject
        {
            ["categories"] = Strings(Categories),
            ["kind"] = Kind,
            ["listKind"] = Kind + "List",
            ["plural"] = Plural,
        };
        if (ShortNames.Count > 0)
            names["shortNames"] = Strings(ShortNames);
        names["singular"] = Kind.ToLowerInvariant();
        return names;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
