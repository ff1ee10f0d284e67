using System.Collections.Frozen;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>The first group replays apimachinery's strategicpatch test cases (patch_test.go: original, two-way patch,
/// expected result) on a schema shaped like its MergeItem test type; the second checks the built-in kinds' merge keys.</summary>
public sealed class StrategicMergePatchTests
{
    private static readonly ValueSchema MergeItem = MergeItemSchema(depth: 4);

    private static ValueSchema MergeItemSchema(int depth)
    {
        var item = depth == 0 ? ValueSchema.Unknown : MergeItemSchema(depth - 1);
        var keyed = new ValueSchema { PatchMerge = true, PatchMergeKey = "name", ListType = ListType.Map, ListKeys = [("name", null)], Items = item };
        var intSet = new ValueSchema { PatchMerge = true, ListType = ListType.Set };
        return new ValueSchema
        {
            Fields = new Dictionary<string, ValueSchema>
            {
                ["mergingList"] = keyed,
                ["mergingIntList"] = intSet,
                ["retainKeysMergingList"] = keyed,
                ["retainKeysMap"] = new ValueSchema
                {
                    Fields = new Dictionary<string, ValueSchema> { ["mergingList"] = keyed, ["mergingIntList"] = intSet }.ToFrozenDictionary(),
                },
            }.ToFrozenDictionary(),
        };
    }

    [Theory]
    [InlineData("unique scalars when merging lists",
        "{'mergingIntList':[1,2]}", "{'mergingIntList':[2,3]}", "{'mergingIntList':[1,2,3]}")]
    [InlineData("delete map from nested map",
        "{'simpleMap':{'key1':1,'key2':1}}", "{'simpleMap':{'$patch':'delete'}}", "{'simpleMap':{}}")]
    [InlineData("delete all items from merging list",
        "{'mergingList':[{'name':1},{'name':2}]}", "{'mergingList':[{'$patch':'replace'}]}", "{'mergingList':[]}")]
    [InlineData("merge empty merging lists", "{'mergingList':[]}", "{'mergingList':[]}", "{'mergingList':[]}")]
    [InlineData("delete all keys from map", "{'name':1,'value':1}", "{'$patch':'replace'}", "{}")]
    [InlineData("add key and delete all keys from map", "{'name':1,'value':1}", "{'other':'a','$patch':'replace'}", "{'other':'a'}")]
    [InlineData("delete all duplicate entries in a merging list",
        "{'mergingList':[{'name':1},{'name':1},{'name':2,'value':'a'},{'name':3},{'name':3}]}",
        "{'mergingList':[{'name':1,'$patch':'delete'},{'name':3,'$patch':'delete'}]}",
        "{'mergingList':[{'name':2,'value':'a'}]}")]
    [InlineData("retainKeys map can delete a field when no retainKeys directive present",
        "{'retainKeysMap':{'name':'foo','value':'a'}}", "{'retainKeysMap':{'value':null}}", "{'retainKeysMap':{'name':'foo'}}")]
    [InlineData("retainKeys list can add a field when no retainKeys directive present",
        "{'retainKeysMergingList':[{'name':'bar'},{'name':'foo'}]}", "{'retainKeysMergingList':[{'name':'foo','value':'a'}]}",
        "{'retainKeysMergingList':[{'name':'bar'},{'name':'foo','value':'a'}]}")]
    [InlineData("preserve the order from the patch in a merging list",
        "{'mergingList':[{'name':1},{'name':2,'value':'b'},{'name':3}]}",
        "{'mergingList':[{'name':3,'value':'c'},{'name':1,'value':'a'},{'name':2,'other':'x'}]}",
        "{'mergingList':[{'name':3,'value':'c'},{'name':1,'value':'a'},{'name':2,'value':'b','other':'x'}]}")]
    [InlineData("preserve the order from the patch in a merging list 2",
        "{'mergingList':[{'name':1},{'name':2,'value':'b'},{'name':3}]}",
        "{'mergingList':[{'name':3,'value':'c'},{'name':1,'value':'a'}]}",
        "{'mergingList':[{'name':2,'value':'b'},{'name':3,'value':'c'},{'name':1,'value':'a'}]}")]
    [InlineData("preserve the order from the patch in a merging int list",
        "{'mergingIntList':[1,2,3]}", "{'mergingIntList':[3,1,2]}", "{'mergingIntList':[3,1,2]}")]
    [InlineData("preserve the order from the patch in a merging int list 2",
        "{'mergingIntList':[1,2,3]}", "{'mergingIntList':[3,1]}", "{'mergingIntList':[2,3,1]}")]
    [InlineData("$setElementOrder contains item that is not present in the list to be merged",
        "{'mergingList':[{'name':1},{'name':3}]}",
        "{'$setElementOrder/mergingList':[{'name':3},{'name':2},{'name':1}],'mergingList':[{'name':3,'value':3},{'name':1,'value':1}]}",
        "{'mergingList':[{'name':3,'value':3},{'name':1,'value':1}]}")]
    [InlineData("$setElementOrder contains item that is not present in the int list to be merged",
        "{'mergingIntList':[1,3]}", "{'$setElementOrder/mergingIntList':[3,2,1]}", "{'mergingIntList':[3,1]}")]
    [InlineData("$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list",
        "{'mergingIntList':[1,2]}", "{'$deleteFromPrimitiveList/mergingIntList':[3]}", "{'mergingIntList':[1,2]}")]
    [InlineData("$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list",
        "{'foo':['bar']}", "{'$deleteFromPrimitiveList/mergingIntList':[3]}", "{'foo':['bar']}")]
    [InlineData("$deleteFromPrimitiveList should delete item from a list with merge patch strategy",
        "{'mergingIntList':[1,2,3]}", "{'$deleteFromPrimitiveList/mergingIntList':[2]}", "{'mergingIntList':[1,3]}")]
    [InlineData("$deleteFromPrimitiveList should delete item from a list without merge patch strategy",
        "{'nonMergingIntList':[1,2,3]}", "{'$deleteFromPrimitiveList/nonMergingIntList':[2]}", "{'nonMergingIntList':[1,3]}")]
    [InlineData("add field and delete field from map", "{'name':1,'other':'a'}", "{'name':null,'value':1}", "{'other':'a','value':1}")]
    [InlineData("delete field from nested map",
        "{'simpleMap':{'key1':1,'key2':1,'other':'a'}}", "{'simpleMap':{'key2':null}}", "{'simpleMap':{'key1':1,'other':'a'}}")]
    [InlineData("replace list of scalars", "{'nonMergingIntList':[1,2]}", "{'nonMergingIntList':[2,3]}", "{'nonMergingIntList':[2,3]}")]
    [InlineData("delete all maps from merging list with conflict",
        "{'mergingList':[{'name':1,'other':'a'},{'name':2,'other':'b'}]}",
        "{'mergingList':[{'name':1,'$patch':'delete'},{'name':2,'$patch':'delete'}]}", "{'mergingList':[]}")]
    [InlineData("defined null values should propagate overwrite current fields",
        "{'name':2}", "{'name':1,'value':1,'other':null}", "{'name':1,'value':1}")]
    [InlineData("nested patch merge with empty list",
        "{'name':'hi'}", "{'mergingList':[{'name':'hello'},{'$patch':'delete','name':'doesntexist'}]}",
        "{'name':'hi','mergingList':[{'name':'hello'}]}")]
    [InlineData("delete items in lists of scalars (three-way)",
        "{'mergingIntList':[1,2,3,4]}", "{'$setElementOrder/mergingIntList':[1,2],'$deleteFromPrimitiveList/mergingIntList':[3]}",
        "{'mergingIntList':[1,2,4]}")]
    [InlineData("add and delete items in lists of scalars (two-way)",
        "{'mergingIntList':[1,2,3]}",
        "{'$setElementOrder/mergingIntList':[1,2,4],'$deleteFromPrimitiveList/mergingIntList':[3],'mergingIntList':[4]}",
        "{'mergingIntList':[1,2,4]}")]
    [InlineData("merge lists of maps (three-way)",
        "{'mergingList':[{'name':1,'other':'a'},{'name':2,'value':2,'other':'b'}]}",
        "{'$setElementOrder/mergingList':[{'name':4},{'name':1},{'name':2},{'name':3}],'mergingList':[{'name':4,'value':4},{'name':3,'value':3}]}",
        "{'mergingList':[{'name':4,'value':4},{'name':1,'other':'a'},{'name':2,'value':2,'other':'b'},{'name':3,'value':3}]}")]
    public void Apply_ApimachineryTestCase_GivesKubernetesResult(string description, string original, string patch, string expected)
    {
        _ = description; // names the apimachinery case in the test explorer
        var result = StrategicMergePatch.Apply(JsonAssert.Object(original), JsonAssert.Object(patch), MergeItem);

        JsonAssert.Same(expected, result);
    }

    [Theory]
    [InlineData("{'mergingList':[{'name':1},{'name':3},{'name':2}]}",
        "{'$setElementOrder/mergingList':[{'name':1},{'name':2},{'name':3}],'mergingList':[{'name':3,'value':3},{'name':1,'value':1}]}",
        "doesn't match")]
    [InlineData("{'mergingIntList':[1,3,2]}", "{'$setElementOrder/mergingIntList':[1,2,3],'mergingIntList':[3,1]}", "doesn't match")]
    [InlineData("{'mergingList':[{'name':1,'value':'a'}]}", "{'mergingList':[{'value':'b'}]}", "does not contain declared merge key")]
    [InlineData("{'mergingList':[{'name':1}]}", "{'mergingList':[{'name':1,'$patch':'merge'}]}", "merging lists cannot yet be specified")]
    [InlineData("{'simpleMap':{'a':1}}", "{'simpleMap':{'$patch':'merge','b':2}}", "unknown patch type")]
    [InlineData("{'simpleMap':{'a':1}}", "{'simpleMap':{'$patch':'frobnicate'}}", "unknown patch type")]
    [InlineData("{'mergingList':[{'name':1}]}", "{'mergingList':[{'name':2,'$patch':'frobnicate'}]}", "unknown patch type")]
    [InlineData("{'mergingList':[{'name':1}]}", "{'mergingList':[[1]]}", "lists of lists")]
    [InlineData("{'mergingList':[{'name':1}]}", "{'mergingList':['x']}", "not identical")]
    [InlineData("{'name':1,'value':2}", "{'$retainKeys':['name'],'value':3}", "not listed in $retainKeys")]
    [InlineData("{'name':1}", "{'$retainKeys':'name'}", "must be a list of strings")]
    [InlineData("{'mergingIntList':[1]}", "{'$deleteFromPrimitiveList/mergingIntList':3}", "must be a list")]
    public void Apply_MalformedPatch_IsBadRequest(string original, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(JsonAssert.Object(original), JsonAssert.Object(patch), MergeItem));

        Assert.Contains(message, error.Message);
        Assert.True(error.BadRequest);
    }

    [Fact]
    public void Apply_RetainKeys_ClearsUnlistedKeys()
    {
        var original = JsonAssert.Object("{'retainKeysMap':{'name':'foo','value':'a','other':'b'}}");

        var result = StrategicMergePatch.Apply(original, JsonAssert.Object("{'retainKeysMap':{'$retainKeys':['name','value'],'value':'c'}}"), MergeItem);

        JsonAssert.Same("{'retainKeysMap':{'name':'foo','value':'c'}}", result);
    }

    [Fact]
    public void Apply_LeavesInputsUntouched()
    {
        var original = JsonAssert.Object("{'mergingList':[{'name':1,'value':'a'}]}");
        var patch = JsonAssert.Object("{'mergingList':[{'name':1,'$patch':'delete'}],'$setElementOrder/mergingList':[]}");

        StrategicMergePatch.Apply(original, patch, MergeItem);

        JsonAssert.Same("{'mergingList':[{'name':1,'value':'a'}]}", original);
        JsonAssert.Same("{'mergingList':[{'name':1,'$patch':'delete'}],'$setElementOrder/mergingList':[]}", patch);
    }

    private const string Deployment = """
        {'apiVersion':'apps/v1','kind':'Deployment',
         'metadata':{'name':'web','finalizers':['a'],'ownerReferences':[{'uid':'u1','name':'x'}]},
         'spec':{'replicas':1,'template':{'spec':{
           'containers':[{'name':'app','image':'app:1','env':[{'name':'A','value':'1'}],
                          'ports':[{'containerPort':80}],'volumeMounts':[{'name':'data','mountPath':'/data'}]}],
           'tolerations':[{'key':'k1','operator':'Exists'}],
           'volumes':[{'name':'data','emptyDir':{}}]}}}}
        """;

    [Fact]
    public void Apply_Deployment_MergesContainersEnvAndPortsByKey()
    {
        var patch = JsonAssert.Object("""
            {'spec':{'template':{'spec':{'containers':[{'name':'app','image':'app:2',
              'env':[{'name':'B','value':'2'}],'ports':[{'containerPort':80,'name':'http'}],
              'volumeMounts':[{'name':'cache','mountPath':'/cache'}]}]}}}}
            """);

        var result = StrategicMergePatch.Apply(JsonAssert.Object(Deployment), patch, "apps/v1", "Deployment");

        JsonAssert.Same("""
            [{'name':'app','image':'app:2','env':[{'name':'B','value':'2'},{'name':'A','value':'1'}],
              'ports':[{'containerPort':80,'name':'http'}],
              'volumeMounts':[{'name':'cache','mountPath':'/cache'},{'name':'data','mountPath':'/data'}]}]
            """, result["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Apply_Deployment_AddsSidecarAndDeletesByDirective()
    {
        var patch = JsonAssert.Object("""
            {'spec':{'template':{'spec':{
              'containers':[{'name':'sidecar','image':'envoy'}],
              'volumes':[{'name':'data','$patch':'delete'}]}}}}
            """);

        var result = StrategicMergePatch.Apply(JsonAssert.Object(Deployment), patch, "apps/v1", "Deployment");
        var podSpec = result["spec"]!["template"]!["spec"]!;

        Assert.Equal(["sidecar", "app"], podSpec["containers"]!.AsArray().Select(c => (string)c!["name"]!));
        JsonAssert.Same("[]", podSpec["volumes"]);
    }

    [Fact]
    public void Apply_Deployment_ReplacesTolerationsWhole()
    {
        var patch = JsonAssert.Object("{'spec':{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}}}");

        var result = StrategicMergePatch.Apply(JsonAssert.Object(Deployment), patch, "apps/v1", "Deployment");

        JsonAssert.Same("[{'key':'k2','operator':'Exists'}]", result["spec"]!["template"]!["spec"]!["tolerations"]);
    }

    [Fact]
    public void Apply_Metadata_MergesFinalizersAsSetAndOwnerReferencesByUid()
    {
        var patch = JsonAssert.Object("{'metadata':{'finalizers':['b','a'],'ownerReferences':[{'uid':'u2','name':'y'},{'uid':'u1','kind':'K'}]}}");

        var result = StrategicMergePatch.Apply(JsonAssert.Object(Deployment), patch, "apps/v1", "Deployment");

        JsonAssert.Same("['b','a']", result["metadata"]!["finalizers"]);
        JsonAssert.Same("[{'uid':'u2','name':'y'},{'uid':'u1','name':'x','kind':'K'}]", result["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public void Apply_Metadata_DeleteFromPrimitiveListRemovesFinalizer()
    {
        var result = StrategicMergePatch.Apply(JsonAssert.Object(Deployment),
            JsonAssert.Object("{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}"), "apps/v1", "Deployment");

        JsonAssert.Same("[]", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void Apply_CronJob_MergesContainersInsideJobTemplate()
    {
        var original = JsonAssert.Object("{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'1'}]}}}}}}");
        var patch = JsonAssert.Object("{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'2'}]}}}}}}");

        var result = StrategicMergePatch.Apply(original, patch, "batch/v1", "CronJob");

        JsonAssert.Same("[{'name':'a','image':'1'},{'name':'b','image':'2'}]",
            result["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Apply_Service_MergesPortsByPort()
    {
        var original = JsonAssert.Object("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}");

        var result = StrategicMergePatch.Apply(original, JsonAssert.Object("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), "v1", "Service");

        JsonAssert.Same("[{'port':80,'targetPort':9090},{'port':443}]", result["spec"]!["ports"]);
    }

    [Fact]
    public void Apply_StatusConditions_MergeByType()
    {
        var original = JsonAssert.Object("{'status':{'conditions':[{'type':'Available','status':'False'},{'type':'Progressing','status':'True'}]}}");

        var result = StrategicMergePatch.Apply(original,
            JsonAssert.Object("{'status':{'conditions':[{'type':'Available','status':'True'}]}}"), "apps/v1", "Deployment");

        JsonAssert.Same("[{'type':'Available','status':'True'},{'type':'Progressing','status':'True'}]", result["status"]!["conditions"]);
    }

    [Fact]
    public void Apply_Pod_MergesPodSpecAtTopLevel()
    {
        var original = JsonAssert.Object("{'spec':{'containers':[{'name':'a','image':'1'}],'imagePullSecrets':[{'name':'s1'}]}}");

        var result = StrategicMergePatch.Apply(original,
            JsonAssert.Object("{'spec':{'imagePullSecrets':[{'name':'s2'}],'containers':[{'name':'a','image':'2'}]}}"), "v1", "Pod");

        JsonAssert.Same("{'spec':{'containers':[{'name':'a','image':'2'}],'imagePullSecrets':[{'name':'s2'},{'name':'s1'}]}}", result);
    }

    [Fact]
    public void Apply_UnknownKind_MergesMapsAndReplacesLists()
    {
        var original = JsonAssert.Object("{'spec':{'items':[{'name':'a'}],'settings':{'x':1}},'metadata':{'finalizers':['f1']}}");

        var result = StrategicMergePatch.Apply(original,
            JsonAssert.Object("{'spec':{'items':[{'name':'b'}],'settings':{'y':2}},'metadata':{'finalizers':['f2']}}"), "example.com/v1", "Widget");

        JsonAssert.Same("{'spec':{'items':[{'name':'b'}],'settings':{'x':1,'y':2}},'metadata':{'finalizers':['f2','f1']}}", result);
    }

    [Fact]
    public void Apply_NewListWithDirectives_StoresNoDirectives()
    {
        var result = StrategicMergePatch.Apply(JsonAssert.Object("{'spec':{}}"),
            JsonAssert.Object("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'a'},{'name':'z','$patch':'delete'}]}}}}"),
            "apps/v1", "Deployment");

        JsonAssert.Same("{'spec':{'template':{'spec':{'containers':[{'name':'a'}]}}}}", result);
    }
}
