using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>RFC 7386 JSON merge patch (application/merge-patch+json).</summary>
public static class JsonMergePatch
{
    /// <summary>Returns the patched document; neither argument is modified.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        MergeInto(result, patchObject);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
                target.Remove(name);
            else if (value is JsonObject patchChild && target[name] is JsonObject targetChild)
                MergeInto(targetChild, patchChild);
            else if (value is JsonObject newChild)
            {
                // A patch object landing where there was no object still has its nulls stripped (RFC 7386 §2).
                var fresh = new JsonObject();
                MergeInto(fresh, newChild);
                target[name] = fresh;
            }
            else
                target[name] = value.DeepClone();
        }
    }
}
