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
    [InlineData("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "testing value /baz failed")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", "doc is missing path: \"/baz/bat\"")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "testing value /~01 failed")]
    [InlineData("{'a':1}", "[{'op':'remove','path':'/b'}]", "Unable to remove nonexistent key: b")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':0}]", "invalid index")]
    [InlineData("{'a':[1,2]}", "[{'op':'replace','path':'/a/2','value':0}]", "invalid index")]
    [InlineData("{'a':[1,2]}", "[{'op':'remove','path':'/a/-3'}]", "invalid index")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/x','value':0}]", "is not an array index")]
    [InlineData("{'a':{'b':{}}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "doc is missing path")]
    [InlineData("{'a':1}", "[{'op':'copy','from':'/x','path':'/y'}]", "copy operation does not apply")]
    [InlineData("{'a':1}", "[{'op':'add','path':'','value':{}}]", "doc is missing path: \"\"")]
    [InlineData("{'a':1}", "[{'op':'frobnicate','path':'/a'}]", "Unexpected kind: frobnicate")]
    [InlineData("{'a':1}", "[{'path':'/a'}]", "Unexpected kind: unknown")]
    [InlineData("{'a':1}", "[{'op':'move','path':'/a'}]", "move operation missing from field")]
    [InlineData("{'a':1}", "[{'op':'add','value':1}]", "add operation missing path field")]
    [InlineData("{'a':1}", "[{'op':'add','path':'/a~2','value':1}]", "'~' must be followed by '0' or '1'")]
    public void Apply_OperationThatDoesNotFit_IsInvalid(string target, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonAssert.Parse(target)!, JsonAssert.Array(patch)));

        Assert.Contains(message, error.Message);
        Assert.False(error.BadRequest);
    }

    [Fact]
    public void Apply_OperationThatIsNotAnObject_IsBadRequest()
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonAssert.Object("{'a':1}"), JsonAssert.Array("['add']")));

        Assert.True(error.BadRequest);
    }

    // The json-patch library Kubernetes uses is more lenient than the RFC; kubectl (same library) is the reference.
    [Theory]
    [InlineData("[{'op':'test','path':'/missing','value':null}]")]
    [InlineData("[{'op':'replace','path':'/data/b','value':'2'}]")]
    [InlineData("[{'op':'remove','path':'/data/b'}]")]
    [InlineData("[{'op':'add','path':'/list/2','value':3}]")]
    [InlineData("[{'op':'add','path':'/list/-1','value':3}]")]
    [InlineData("[{'op':'add','path':'/list/-3','value':3}]")]
    [InlineData("[{'op':'add','path':'/list/-4','value':3}]")]
    [InlineData("[{'op':'remove','path':'/list/-1'}]")]
    [InlineData("[{'op':'replace','path':'/list/-2','value':9}]")]
    [InlineData("[{'op':'add','path':'/list/01','value':3}]")]
    [InlineData("[{'op':'add','path':'/data/z'}]")]
    [InlineData("[{'op':'test','path':'/list/-1','value':2}]")]
    [InlineData("[{'op':'copy','from':'/data','path':'/copied'},{'op':'move','from':'/copied/a','path':'/list/0'}]")]
    [InlineData("[{'op':'move','from':'/data','path':'/data/x'}]")]
    [InlineData("[{'op':'add','path':'/x/y','value':1}]")]
    [InlineData("[{'op':'frob','path':'/x'}]")]
    [InlineData("[{'op':'replace','path':'/missing/x','value':1}]")]
    [InlineData("[{'op':'remove','path':'/metadata/annotations~1x'}]")]
    public async Task Apply_MatchesKubectl(string patch)
    {
        var target = JsonAssert.Object("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'},'list':[1,2]}");
        var operations = JsonAssert.Array(patch);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var expected = await KubectlLocalPatch.ApplyAsync(target, "json", operations, timeout.Token);

        if (expected is null)
            Assert.Throws<PatchException>(() => JsonPatch.Apply(target, operations));
        else
            JsonAssert.Equal(expected, JsonPatch.Apply(target, operations));
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
             {'op':'replace','path':'/spec/replicas','value':2}]
            """);

        var result = JsonPatch.Apply(JsonAssert.Object("{'spec':{'containers':[{'name':'a','image':'nginx'}]}}"), patch);

        JsonAssert.Equal("{'spec':{'containers':[{'name':'b','image':'nginx'}],'replicas':2}}", result);
    }
}
