using System.Text.Json.Nodes;
using Tide.ApiServer.Patching;

namespace Tide.ApiServer.Tests.Patching;

public sealed class FieldSetTests
{
    // fieldsV1 of a Deployment written by an API server (ports 80 < 443 < 8443: keys order by value, numbers numerically).
    private const string ServerWritten = """
        {"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"controller\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"POD_NAME\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:fieldRef":{}}},"k:{\"name\":\"POD_NAMESPACE\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:fieldRef":{}}}},"f:image":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}},"k:{\"containerPort\":443,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}},"k:{\"containerPort\":8443,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:resources":{".":{},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}}}}}}},"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}}}}
        """;

    [Fact]
    public void FieldsV1_ServerWrittenSet_RoundTripsByteForByte()
    {
        var set = FieldSet.FromFieldsV1(JsonNode.Parse(ServerWritten)!.AsObject());

        Assert.Equal(ServerWritten, JsonAssert.Text(set.ToFieldsV1()));
    }

    [Fact]
    public void FieldsV1_MembersInAnyOrder_AreWrittenInKubernetesOrder()
    {
        var shuffled = JsonNode.Parse("""
            {"v:true":{},"i:10":{},"f:b":{},"k:{\"port\":8443}":{},"v:\"x\"":{},"i:9":{},"v:3":{},"k:{\"port\":80}":{},"f:a":{".":{},"f:z":{}}}
            """)!.AsObject();

        var written = JsonAssert.Text(FieldSet.FromFieldsV1(shuffled).ToFieldsV1());

        Assert.Equal("""
            {"f:a":{".":{},"f:z":{}},"f:b":{},"k:{\"port\":80}":{},"k:{\"port\":8443}":{},"v:3":{},"v:\"x\"":{},"v:true":{},"i:9":{},"i:10":{}}
            """, written);
    }

    [Fact]
    public void Difference_RemovesMembersButKeepsWhatIsBelowThem()
    {
        var set = Parse("""{"f:a":{".":{},"f:b":{}},"f:c":{}}""");

        var rest = set.Difference(Parse("""{"f:a":{},"f:c":{}}"""));

        Assert.Equal("""{"f:a":{"f:b":{}}}""", JsonAssert.Text(rest.ToFieldsV1()));
    }

    [Fact]
    public void WithFieldsAsMembers_OwnsFieldsThatHavePathsBelowButNotListItems()
    {
        var set = Parse("""{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{"f:image":{}}}}}""");

        Assert.Equal("""{"f:spec":{".":{},"f:containers":{".":{},"k:{\"name\":\"a\"}":{"f:image":{}}}}}""",
            JsonAssert.Text(set.WithFieldsAsMembers().ToFieldsV1()));
    }

    [Fact]
    public void IntersectionAndUnion_WorkMemberByMember()
    {
        var left = Parse("""{"f:a":{".":{},"f:b":{}},"f:c":{}}""");
        var right = Parse("""{"f:a":{"f:b":{},"f:d":{}}}""");

        Assert.Equal("""{"f:a":{"f:b":{}}}""", JsonAssert.Text(left.Intersection(right).ToFieldsV1()));
        Assert.Equal("""{"f:a":{".":{},"f:b":{},"f:d":{}},"f:c":{}}""", JsonAssert.Text(left.Union(right).ToFieldsV1()));
    }

    [Theory]
    [InlineData("x:a")]
    [InlineData("k:[1]")]
    [InlineData("i:-1")]
    public void FromFieldsV1_InvalidMember_IsRejected(string member) =>
        Assert.ThrowsAny<Exception>(() => FieldSet.FromFieldsV1(new JsonObject { [member] = new JsonObject() }));

    private static FieldSet Parse(string fieldsV1) => FieldSet.FromFieldsV1(JsonNode.Parse(fieldsV1)!.AsObject());
}
