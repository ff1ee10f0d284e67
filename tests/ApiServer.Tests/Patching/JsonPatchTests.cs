using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

public sealed class JsonPatchTests
{
    // Successful examples of RFC 6902 appendix A (A.1-A.7, A.10, A.14, A.16).
    [Theory]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}")]
    [InlineData("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]", "{'foo':['bar','qux','baz']}")]
    [InlineData("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}")]
    [InlineData("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}")]
    [InlineData("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]", "{'baz':'boo','foo':'bar'}")]
    [InlineData("{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
        "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
        "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}")]
    [InlineData("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
        "{'foo':['all','cows','eat','grass']}")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
        "{'foo':'bar','child':{'grandchild':{}}}")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}")]
    [InlineData("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]", "{'foo':['bar',['abc','def']]}")]
    public void Apply_Rfc6902Examples_MatchTheRfc(string target, string patch, string expected) =>
        JsonAssert.Equal(expected, JsonPatch.Apply(JsonAssert.Parse(target)!, JsonAssert.Array(patch)));

    [Theory]
    // A.9: a failing test; A.12: adding to a nonexistent target; A.15: string "10" is not number 10.
    [InlineData("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "test operation failed")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", "doc is missing path: \"/baz/bat\"")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "test operation failed")]
    [InlineData("{'a':1}", "[{'op':'remove','path':'/b'}]", "remove operation does not apply")]
    [InlineData("{'a':1}", "[{'op':'replace','path':'/b','value':2}]", "replace operation does not apply")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':0}]", "out of bounds")]
    [InlineData("{'a':[1,2]}", "[{'op':'replace','path':'/a/2','value':0}]", "out of bounds")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/01','value':0}]", "is not an array index")]
    [InlineData("{'a':{'b':{}}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "its own child")]
    [InlineData("{'a':1}", "[{'op':'copy','from':'/x','path':'/y'}]", "copy operation does not apply")]
    public void Apply_OperationThatDoesNotFit_IsInvalid(string target, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonAssert.Parse(target)!, JsonAssert.Array(patch)));

        Assert.Contains(message, error.Message);
        Assert.False(error.BadRequest);
    }

    [Theory]
    // A.13: an operation that is not an add/remove/... is a malformed patch.
    [InlineData("[{'op':'frobnicate','path':'/a'}]", "unknown op \"frobnicate\"")]
    [InlineData("[{'path':'/a'}]", "no string \"op\"")]
    [InlineData("[{'op':'add','path':'/a'}]", "no \"value\"")]
    [InlineData("[{'op':'move','path':'/a'}]", "no string \"from\"")]
    [InlineData("[{'op':'add','path':'a','value':1}]", "must be empty or start with '/'")]
    [InlineData("[{'op':'add','path':'/a~2','value':1}]", "'~' must be followed by '0' or '1'")]
    [InlineData("['add']", "is not an object")]
    public void Apply_MalformedOperation_IsBadRequest(string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonAssert.Object("{'a':1}"), JsonAssert.Array(patch)));

        Assert.Contains(message, error.Message);
        Assert.True(error.BadRequest);
    }

    [Fact]
    public void Apply_EscapedPointer_AddsAnnotationWithSlash()
    {
        var target = JsonAssert.Object("{'metadata':{'annotations':{}}}");
        var patch = JsonAssert.Array("[{'op':'add','path':'/metadata/annotations/example.com~1owner~0team','value':'x'}]");

        JsonAssert.Equal("{'metadata':{'annotations':{'example.com/owner~team':'x'}}}", JsonPatch.Apply(target, patch));
    }

    [Fact]
    public void Apply_FailingOperation_LeavesTargetUntouchedAndStopsTheSequence()
    {
        var target = JsonAssert.Object("{'spec':{'replicas':1}}");
        var patch = JsonAssert.Array("[{'op':'replace','path':'/spec/replicas','value':5},{'op':'test','path':'/spec/replicas','value':4}]");

        Assert.Throws<PatchException>(() => JsonPatch.Apply(target, patch));
        JsonAssert.Equal("{'spec':{'replicas':1}}", target);
    }

    [Fact]
    public void Apply_OperationsRunInOrderOnTheIntermediateDocument()
    {
        var patch = JsonAssert.Array("""
            [{'op':'add','path':'/spec/containers/-','value':{'name':'b'}},
             {'op':'copy','from':'/spec/containers/0/image','path':'/spec/containers/1/image'},
             {'op':'test','path':'/spec/containers/1','value':{'name':'b','image':'nginx'}},
             {'op':'remove','path':'/spec/containers/0'},
             {'op':'replace','path':'','value':{'replaced':true}},
             {'op':'test','path':'/missing','value':null}]
            """);

        var result = JsonPatch.Apply(JsonAssert.Object("{'spec':{'containers':[{'name':'a','image':'nginx'}]}}"), patch);

        JsonAssert.Equal("{'replaced':true}", result);
    }

    [Fact]
    public void Apply_MoveToSameLocation_IsNoOp() =>
        JsonAssert.Equal("{'a':{'b':1}}",
            JsonPatch.Apply(JsonAssert.Object("{'a':{'b':1}}"), JsonAssert.Array("[{'op':'move','from':'/a','path':'/a'}]")));
}
