using System.Text.Json.Nodes;
using Tide.Engine.Apply;

namespace Tide.Engine.Tests.Apply;

public sealed class FieldTakeoverTests
{
    private static JsonObject Entry(string manager, string operation, string fields, string? subresource = null)
    {
        var entry = new JsonObject
        {
            ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = "v1",
            ["time"] = "2026-01-01T00:00:00Z", ["fieldsType"] = "FieldsV1", ["fieldsV1"] = JsonNode.Parse(fields),
        };
        if (subresource is not null)
            entry["subresource"] = subresource;
        return entry;
    }

    private static JsonObject Live(JsonObject? annotations, params JsonObject[] entries) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = "c", ["annotations"] = annotations, ["managedFields"] = new JsonArray([.. entries]),
        },
    };

    private static readonly JsonObject Desired = new() { ["apiVersion"] = "v1", ["kind"] = "ConfigMap" };

    [Fact]
    public void KubectlEntries_AreFoldedIntoTidesAppliedSet_OthersStay()
    {
        var live = Live(new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = "{}", ["keep"] = "x" },
            Entry("tide", "Apply", """{"f:data":{"f:value":{}}}"""),
            Entry("kubectl-client-side-apply", "Update", """{"f:data":{"f:extra":{},"f:value":{}}}"""),
            Entry("kubectl-edit", "Update", """{"f:metadata":{"f:labels":{"f:team":{}}}}"""),
            Entry("kubectl-edit", "Update", """{"f:status":{}}""", subresource: "status"),
            Entry("operator", "Update", """{"f:data":{"f:owned":{}}}"""));

        var patch = FieldTakeover.Patch(live, Desired, "tide")!;

        Assert.Equal("""{"kubectl.kubernetes.io/last-applied-configuration":null}""",
            patch["metadata"]!["annotations"]!.ToJsonString());
        var entries = patch["metadata"]!["managedFields"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["tide", "kubectl-edit", "operator"], entries.Select(e => e["manager"]!.GetValue<string>()));
        Assert.Equal("""{"f:data":{"f:value":{},"f:extra":{}},"f:metadata":{"f:labels":{"f:team":{}}}}""",
            entries[0]["fieldsV1"]!.ToJsonString());
        Assert.Equal("status", entries[1]["subresource"]!.GetValue<string>());
    }

    [Fact]
    public void WithoutTidesEntry_ANewAppliedEntryTakesTheFields()
    {
        var live = Live(null, Entry("before-first-apply", "Update", """{"f:data":{"f:value":{}}}"""));

        var entry = FieldTakeover.Patch(live, Desired, "tide")!["metadata"]!["managedFields"]![0]!;

        Assert.Equal("tide", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.Equal("""{"f:data":{"f:value":{}}}""", entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void NothingForeign_OrMergePolicy_MeansNoPatch()
    {
        Assert.Null(FieldTakeover.Patch(Live(null, Entry("tide", "Apply", "{}"), Entry("operator", "Update", "{}")),
            Desired, "tide"));

        var merge = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxMetadata.Ssa] = "Merge" } },
        };
        Assert.Null(FieldTakeover.Patch(Live(null, Entry("kubectl-edit", "Update", "{}")), merge, "tide"));
    }
}
