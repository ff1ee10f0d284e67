namespace Tide.ApiServer.Http;

/// <summary>What the client's Accept header asks the object or list to be rendered as.</summary>
internal enum ResponseShape
{
    Object,
    /// <summary>application/json;as=Table;g=meta.k8s.io;v=v1: what kubectl get prints.</summary>
    Table,
    /// <summary>application/json;as=PartialObjectMetadata(List);g=meta.k8s.io;v=v1: metadata only.</summary>
    Metadata,
}

internal static class ResponseShapes
{
    /// <summary>The first acceptable alternative of the Accept header; protobuf and unknown forms fall through to JSON.</summary>
    public static ResponseShape From(string? accept)
    {
        foreach (var alternative in (accept ?? "").Split(','))
        {
            var a = alternative.Replace(" ", "");
            if (a.Contains("as=Table") && a.Contains("g=meta.k8s.io") && (a.Contains("v=v1;") || a.EndsWith("v=v1") || a.Contains("v=v1beta1")))
            {
                return ResponseShape.Table;
            }
            if (a.Contains("as=PartialObjectMetadata") && a.Contains("g=meta.k8s.io")) return ResponseShape.Metadata;
            if (a.StartsWith("application/json") || a.StartsWith("*/*") || a.Length == 0) return ResponseShape.Object;
        }
        return ResponseShape.Object;
    }
}
