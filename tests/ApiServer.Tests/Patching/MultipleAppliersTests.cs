using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>Replays structured-merge-diff's multiple-appliers scenarios (merge/multiple_appliers_test.go): a sequence of
/// applies and updates by several managers, then the expected object and every manager's field set.</summary>
public sealed class MultipleAppliersTests
{
    private const string ApiVersion = "example.com/v1";
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ValueSchema Root = new()
    {
        Fields = new Dictionary<string, ValueSchema>
        {
            ["list"] = new() { ListType = ListType.Map, ListKeys = [("name", null)] },
            ["listOfLists"] = new()
            {
                ListType = ListType.Map,
                ListKeys = [("name", null)],
                Items = new ValueSchema { Fields = new Dictionary<string, ValueSchema> { ["value"] = new() { ListType = ListType.Set } }.ToFrozenDictionary() },
            },
        }.ToFrozenDictionary(),
    };

    private sealed record Step(string Operation, string Manager, string Object, string? ConflictsWith = null);

    private static JsonObject Run(params Step[] steps)
    {
        JsonObject? live = null;
        foreach (var step in steps)
        {
            var obj = JsonAssert.Object(step.Object);
            if (step.Operation == "update")
            {
                ServerSideApply.RecordUpdate(live, obj, step.Manager, ApiVersion, Root, Now, null);
                live = obj;
                continue;
            }
            var outcome = ServerSideApply.Apply(live, obj, step.Manager, false, ApiVersion, Root, Now, null);
            if (step.ConflictsWith is not null)
            {
                Assert.Equal(step.ConflictsWith, string.Join(" ", outcome.Conflicts.Select(c => c.Manager + c.Field)));
                continue;
            }
            Assert.Empty(outcome.Conflicts);
            live = outcome.Result;
        }
        return live!;
    }

    private static void AssertManaged(JsonObject obj, string expectedObject, params (string Manager, string FieldsV1)[] managers)
    {
        var managedFields = obj["metadata"]!["managedFields"]!.AsArray();
        ((JsonObject)obj["metadata"]!).Remove("managedFields");
        if (obj["metadata"] is JsonObject { Count: 0 })
            obj.Remove("metadata");
        JsonAssert.Same(expectedObject, obj);
        Assert.Equal(
            managers.Select(m => m.Manager + " " + JsonAssert.Text(JsonNode.Parse(m.FieldsV1))).Order(),
            managedFields.Select(e => (string)e!["manager"]! + " " + JsonAssert.Text(e["fieldsV1"])).Order());
    }

    [Fact]
    public void RemoveOne()
    {
        var result = Run(
            new("apply", "apply-one", "{'list':[{'name':'a'},{'name':'b'}]}"),
            new("apply", "apply-two", "{'list':[{'name':'c'}]}"),
            new("apply", "apply-one", "{'list':[{'name':'a'}]}"));

        AssertManaged(result, "{'list':[{'name':'a'},{'name':'c'}]}",
            ("apply-one", """{"f:list":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"""),
            ("apply-two", """{"f:list":{"k:{\"name\":\"c\"}":{".":{},"f:name":{}}}}"""));
    }

    [Fact]
    public void SameValueNoConflict()
    {
        var result = Run(
            new("apply", "apply-one", "{'list':[{'name':'a','value':0}]}"),
            new("apply", "apply-two", "{'list':[{'name':'a','value':0}]}"));

        AssertManaged(result, "{'list':[{'name':'a','value':0}]}",
            ("apply-one", """{"f:list":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:value":{}}}}"""),
            ("apply-two", """{"f:list":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:value":{}}}}"""));
    }

    [Fact]
    public void ChangeValueYesConflict()
    {
        var result = Run(
            new("apply", "apply-one", "{'list':[{'name':'a','value':0}]}"),
            new("apply", "apply-two", "{'list':[{'name':'a','value':1}]}", ConflictsWith: "apply-one.list[name=\"a\"].value"));

        AssertManaged(result, "{'list':[{'name':'a','value':0}]}",
            ("apply-one", """{"f:list":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:value":{}}}}"""));
    }

    [Fact]
    public void RemoveOneKeepOne()
    {
        var result = Run(
            new("apply", "apply-one", "{'list':[{'name':'a'},{'name':'b'},{'name':'c'}]}"),
            new("apply", "apply-two", "{'list':[{'name':'c'},{'name':'d'}]}"),
            new("apply", "apply-one", "{'list':[{'name':'a'}]}"));

        AssertManaged(result, "{'list':[{'name':'a'},{'name':'c'},{'name':'d'}]}",
            ("apply-one", """{"f:list":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"""),
            ("apply-two", """{"f:list":{"k:{\"name\":\"c\"}":{".":{},"f:name":{}},"k:{\"name\":\"d\"}":{".":{},"f:name":{}}}}"""));
    }

    [Fact]
    public void RemoveOneKeepOneWithDanglingSubitem()
    {
        var result = Run(
            new("apply", "apply-one", "{'listOfLists':[{'name':'a'},{'name':'b','value':['c']}]}"),
            new("apply", "apply-two", "{'listOfLists':[{'name':'b','value':['d']}]}"),
            new("update", "controller", "{'listOfLists':[{'name':'a'},{'name':'b','value':['c','d','e']}]}"),
            new("apply", "apply-one", "{'listOfLists':[{'name':'a'}]}"));

        AssertManaged(result, "{'listOfLists':[{'name':'a'},{'name':'b','value':['d','e']}]}",
            ("apply-one", """{"f:listOfLists":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"""),
            ("apply-two", """{"f:listOfLists":{"k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:value":{"v:\"d\"":{}}}}}"""),
            ("controller", """{"f:listOfLists":{"k:{\"name\":\"b\"}":{"f:value":{"v:\"e\"":{}}}}}"""));
    }

    [Fact]
    public void UnsetScalarSharedWithUpdater()
    {
        var result = Run(
            new("update", "updater", "{'struct':{'name':'a','scalarField':'a'}}"),
            new("apply", "applier", "{'struct':{'name':'a','scalarField':'a'}}"),
            new("apply", "applier", "{'struct':{'name':'a'}}"));

        AssertManaged(result, "{'struct':{'name':'a','scalarField':'a'}}",
            ("updater", """{"f:struct":{".":{},"f:name":{},"f:scalarField":{}}}"""),
            ("applier", """{"f:struct":{"f:name":{}}}"""));
    }

    [Fact]
    public void UpdaterClaimsField()
    {
        var result = Run(
            new("apply", "applier", "{'struct':{'name':'a','scalarField':'a'}}"),
            new("update", "updater", "{'struct':{'name':'a','scalarField':'b'}}"));

        AssertManaged(result, "{'struct':{'name':'a','scalarField':'b'}}",
            ("updater", """{"f:struct":{"f:scalarField":{}}}"""),
            ("applier", """{"f:struct":{"f:name":{}}}"""));
    }

    [Fact]
    public void UnsetComplexSharedWithApplier()
    {
        var result = Run(
            new("apply", "apply-one", "{'struct':{'name':'a','complexField':{'name':'b'}}}"),
            new("apply", "apply-two", "{'struct':{'complexField':{'name':'b'}}}"),
            new("apply", "apply-one", "{'struct':{'name':'a'}}"));

        AssertManaged(result, "{'struct':{'name':'a','complexField':{'name':'b'}}}",
            ("apply-one", """{"f:struct":{"f:name":{}}}"""),
            ("apply-two", """{"f:struct":{"f:complexField":{"f:name":{}}}}"""));
    }

    [Fact]
    public void UnsetComplexSoleOwner()
    {
        var result = Run(
            new("apply", "apply-one", "{'struct':{'name':'a','complexField':{'name':'b'}}}"),
            new("apply", "apply-one", "{'struct':{'name':'a'}}"));

        AssertManaged(result, "{'struct':{'name':'a'}}",
            ("apply-one", """{"f:struct":{"f:name":{}}}"""));
    }
}
