namespace Tide.Engine.Api;

/// <summary>Picks the layer of an OCI artifact: the first with <see cref="MediaType"/> (the first layer when not
/// set), extracted as a tarball or copied as is.</summary>
public sealed record OciLayerSelector
{
    public const string Extract = "extract";
    public const string Copy = "copy";

    public string? MediaType { get; init; }

    [SchemaEnum(Extract, Copy)]
    public string? Operation { get; init; }
}
