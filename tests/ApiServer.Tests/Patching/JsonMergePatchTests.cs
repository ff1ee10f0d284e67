using System.Text.Json.Nodes;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

public sealed class JsonMergePatchTests
{
    // Every example of RFC 7386 appendix A.
    [Theory]
    [InlineData("{'a':'b'}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}")]
    [InlineData("{'a':'b'}", "{'a':null}", "{}")]
    [InlineData("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}")]
    [InlineData("{'a':['b']}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'c'}", "{'a':['b']}", "{'a':['b']}")]
    [InlineData("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}")]
    [InlineData("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}")]
    [InlineData("['a','b']", "['c','d']", "['c','d']")]
    [InlineData("{'a':'b'}", "['c']", "['c']")]
    [InlineData("{'a':'foo'}", "null", "null")]
    [InlineData("{'a':'foo'}", "'bar'", "'bar'")]
    [InlineData("{'e':null}", "{'a':1}", "{'e':null,'a':1}")]
    [InlineData("[1,2]", "{'a':'b','c':null}", "{'a':'b'}")]
    [InlineData("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}")]
    public void Apply_Rfc7386Examples_MatchTheRfc(string target, string patch, string expected) =>
        JsonAssert.Equal(expected, JsonMergePatch.Apply(JsonAssert.Parse(target), JsonAssert.Parse(patch)));

    [Fact]
    public void Apply_LeavesInputsUntouched()
    {
        var target = JsonAssert.Object("{'metadata':{'labels':{'a':'1'}}}");
        var patch = JsonAssert.Object("{'metadata':{'labels':{'a':null,'b':'2'}}}");

        var result = JsonMergePatch.Apply(target, patch);

        JsonAssert.Equal("{'metadata':{'labels':{'b':'2'}}}", result);
        JsonAssert.Equal("{'metadata':{'labels':{'a':'1'}}}", target);
        JsonAssert.Equal("{'metadata':{'labels':{'a':null,'b':'2'}}}", patch);
    }

    [Fact]
    public void Apply_ReplacedMember_KeepsItsPosition()
    {
        var result = JsonMergePatch.Apply(JsonAssert.Object("{'a':1,'b':2,'c':3}"), JsonAssert.Object("{'b':20,'d':4}"));

        JsonAssert.Same("{'a':1,'b':20,'c':3,'d':4}", result);
    }

    [Fact]
    public void Apply_NullTarget_BuildsFromPatch()
    {
        var result = JsonMergePatch.Apply(null, JsonNode.Parse("""{"spec":{"replicas":3,"paused":null}}"""));

        JsonAssert.Equal("{'spec':{'replicas':3}}", result);
    }

    [Theory]
    [InlineData("{'metadata':{'labels':{'app':null,'team':'b'}},'data':{'k':{'nested':true}},'list':[3]}")]
    [InlineData("{'data':null,'metadata':{'annotations':{'x':'y'}}}")]
    public async Task Apply_MatchesKubectl(string patch)
    {
        var target = JsonAssert.Object("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','labels':{'app':'a'}},'data':{'a':'1'},'list':[1,2]}");
        var patchObject = JsonAssert.Object(patch);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var expected = await KubectlLocalPatch.ApplyAsync(target, "merge", patchObject, timeout.Token);

        JsonAssert.Equal(expected, JsonMergePatch.Apply(target, patchObject));
    }
}
