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

    /// <summary>Earlier versions Flux removed (2.8) but users' repositories still hold: served with the stored
    /// version's schema and no conversion webhook (Kubernetes' conversion "None", as Flux served them), marked
    /// deprecated with a warning naming the version to migrate to.</summary>
    public IReadOnlyList<string> DeprecatedVersions { get; init; } = [];

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
            ["versions"] = new JsonArray([.. DeprecatedVersions.Select(v => VersionEntry(v, stored: false)), VersionEntry(Version, stored: true)]),
        },
    };

    private JsonObject VersionEntry(string version, bool stored)
    {
        var entry = new JsonObject
        {
            ["additionalPrinterColumns"] = new JsonArray(PrinterColumns.Select(c => (JsonNode)new JsonObject
            {
                ["jsonPath"] = c.JsonPath,
                ["name"] = c.Name,
                ["type"] = c.Type,
            }).ToArray()),
        };
        if (!stored)
        {
            entry["deprecated"] = true;
            entry["deprecationWarning"] = $"{Group}/{version} {Kind} is deprecated, upgrade to {Group}/{Version}";
        }
        entry["name"] = version;
        entry["schema"] = new JsonObject { ["openAPIV3Schema"] = OpenApiSchemaGenerator.Generate(Type) };
        entry["served"] = true;
        entry["storage"] = stored;
        // Kinds without a status (Flux's v1beta3 Alert and Provider) have no status subresource.
        entry["subresources"] = Type.GetProperty("Status") is null ? new JsonObject()
            : new JsonObject { ["status"] = new JsonObject() };
        return entry;
    }

    /// <summary>Kinds without short names (Bucket) or categories (ExternalArtifact) leave the field out, as Flux's
    /// CRDs do.</summary>
    private JsonObject Names()
    {
        var names = new JsonObject();
        if (Categories.Count > 0)
            names["categories"] = Strings(Categories);
        names["kind"] = Kind;
        names["listKind"] = Kind + "List";
        names["plural"] = Plural;
        if (ShortNames.Count > 0)
            names["shortNames"] = Strings(ShortNames);
        names["singular"] = Kind.ToLowerInvariant();
        return names;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
