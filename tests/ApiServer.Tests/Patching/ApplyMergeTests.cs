using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>Replays structured-merge-diff's merge test triplets (typed/merge_test.go: live, applied, merged).</summary>
public sealed class ApplyMergeTests
{
    private static readonly ValueSchema Root = new()
    {
        Fields = new Dictionary<string, ValueSchema>
        {
            ["setStr"] = new() { ListType = ListType.Set },
            ["setBool"] = new() { ListType = ListType.Set },
            ["setNumeric"] = new() { ListType = ListType.Set },
            ["list"] = new() { ListType = ListType.Map, ListKeys = [("key", null), ("id", null)] },
            ["atomicList"] = ValueSchema.Unknown,
        }.ToFrozenDictionary(),
    };

    [Theory]
    [InlineData("{'numeric':1}", "{'numeric':3.14159}", "{'numeric':3.14159}")]
    [InlineData("{'string':'aoeu'}", "{'bool':true}", "{'string':'aoeu','bool':true}")]
    [InlineData("{'inner':{}}", "{'inner':{}}", "{'inner':{}}")]
    [InlineData("{}", "{'inner':[]}", "{'inner':[]}")]
    [InlineData("{'setStr':['a','b','c']}", "{'setStr':['a','b']}", "{'setStr':['a','b','c']}")]
    [InlineData("{'setStr':['a','b']}", "{'setStr':['a','b','c']}", "{'setStr':['a','b','c']}")]
    [InlineData("{'setStr':['a','b','c']}", "{'setStr':[]}", "{'setStr':['a','b','c']}")]
    [InlineData("{'setStr':[]}", "{'setStr':['a','b','c']}", "{'setStr':['a','b','c']}")]
    [InlineData("{'setStr':['a','b']}", "{'setStr':['b','a']}", "{'setStr':['b','a']}")]
    [InlineData("{'setStr':['a','b','c']}", "{'setStr':['d','e','f']}", "{'setStr':['a','b','c','d','e','f']}")]
    [InlineData("{'setStr':['a','b','c']}", "{'setStr':['c','d','e','f']}", "{'setStr':['a','b','c','d','e','f']}")]
    [InlineData("{'setStr':['a','b','c','g','f']}", "{'setStr':['c','d','e','f']}", "{'setStr':['a','b','c','g','d','e','f']}")]
    [InlineData("{'setStr':['c','d','e','f']}", "{'setStr':['a','c','e']}", "{'setStr':['a','c','d','e','f']}")]
    [InlineData("{'setStr':['a','b','c','x','y','z']}", "{'setStr':['d','e','f','x','y','z']}", "{'setStr':['a','b','c','d','e','f','x','y','z']}")]
    [InlineData("{'setStr':['c','a','g','f']}", "{'setStr':['c','f','a','g']}", "{'setStr':['c','f','a','g']}")]
    [InlineData("{'setStr':['a','b','c','d']}", "{'setStr':['d','e','f','a']}", "{'setStr':['b','c','d','e','f','a']}")]
    [InlineData("{'setStr':['c','d','e','f','g','h','i','j']}", "{'setStr':['2','h','3','e','4','k','l']}",
        "{'setStr':['c','d','f','g','2','h','i','j','3','e','4','k','l']}")]
    [InlineData("{'setStr':['a','b','c','d','e','f','g','h','i','j']}", "{'setStr':['1','b','2','h','3','e','4','k','l']}",
        "{'setStr':['a','1','b','c','d','f','g','2','h','i','j','3','e','4','k','l']}")]
    [InlineData("{'setBool':[true]}", "{'setBool':[false]}", "{'setBool':[true,false]}")]
    [InlineData("{'setNumeric':[1,2,3.14159]}", "{'setNumeric':[1,2,3]}", "{'setNumeric':[1,2,3.14159,3]}")]
    [InlineData("{'list':[{'key':'a','id':1,'value':{'a':'a'}}]}", "{'list':[{'key':'a','id':2,'value':{'a':'a'}}]}",
        "{'list':[{'key':'a','id':1,'value':{'a':'a'}},{'key':'a','id':2,'value':{'a':'a'}}]}")]
    [InlineData("{'list':[{'key':'a','id':1},{'key':'b','id':1}]}", "{'list':[{'key':'a','id':1},{'key':'a','id':2}]}",
        "{'list':[{'key':'a','id':1},{'key':'b','id':1},{'key':'a','id':2}]}")]
    [InlineData("{'list':[{'key':'b','id':2}]}", "{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]}",
        "{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]}")]
    [InlineData("{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]}", "{'list':[{'key':'c','id':3},{'key':'b','id':2}]}",
        "{'list':[{'key':'a','id':1},{'key':'c','id':3},{'key':'b','id':2}]}")]
    [InlineData("{'list':[{'key':'a','id':1},{'key':'b','id':2},{'key':'c','id':3}]}", "{'list':[{'key':'c','id':3},{'key':'a','id':1}]}",
        "{'list':[{'key':'b','id':2},{'key':'c','id':3},{'key':'a','id':1}]}")]
    [InlineData("{'atomicList':['a','b','c']}", "{'atomicList':[]}", "{'atomicList':[]}")]
    [InlineData("{'atomicList':['a','a','a']}", "{'atomicList':['a','a']}", "{'atomicList':['a','a']}")]
    public void Merge_StructuredMergeDiffTriplet_GivesItsResult(string live, string applied, string merged) =>
        JsonAssert.Same(merged, ApplyMerge.Merge(JsonAssert.Object(live), JsonAssert.Object(applied), Root, []));
}
