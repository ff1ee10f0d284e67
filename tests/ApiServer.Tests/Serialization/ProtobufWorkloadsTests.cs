using System.Text;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Tests.Serialization;

/// <summary>Bodies kubectl cannot produce: a field beyond the decoder's table must make the body unsupported (415)
/// rather than be dropped silently.</summary>
public sealed class ProtobufWorkloadsTests
{
    private static byte[] Tag(int field, int wireType) => [(byte)((field << 3) | wireType)];

    private static byte[] Bytes(int field, byte[] value) => [.. Tag(field, 2), (byte)value.Length, .. value];

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Number(int field, byte value) => [.. Tag(field, 0), value];

    private static byte[] Body(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8.ToArray(), .. Bytes(1, [.. Text(1, apiVersion), .. Text(2, kind)]), .. Bytes(2, raw)];

    private static byte[] Deployment(byte[] spec) => [.. Bytes(1, Text(1, "web")), .. Bytes(2, spec)];

    [Fact]
    public void KnownFields_AreDecoded_AndZeroValuesLeftOut()
    {
        var spec = (byte[])[.. Number(1, 0), .. Number(5, 0), .. Bytes(4, [])];

        var obj = KubeProtobuf.Decode(Body("apps/v1", "Deployment", Deployment(spec)))!;

        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":0,"strategy":{}}}""",
            obj.ToJsonString());
    }

    [Fact]
    public void AFieldBeyondTheTable_WithAValue_MakesTheBodyUnsupported()
    {
        // DeploymentSpec field 8 (rollbackTo) is not in the table; an empty occurrence is what gogo writes when unset.
        Assert.NotNull(KubeProtobuf.Decode(Body("apps/v1", "Deployment", Deployment(Bytes(8, [])))));
        Assert.Null(KubeProtobuf.Decode(Body("apps/v1", "Deployment", Deployment(Bytes(8, Number(1, 5))))));
        // So is a kind the decoder does not know.
        Assert.Null(KubeProtobuf.Decode(Body("batch/v1", "CronJob", Bytes(1, Text(1, "job")))));
    }
}
