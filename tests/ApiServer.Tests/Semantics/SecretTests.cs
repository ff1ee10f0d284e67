using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Semantics;

[Collection(ApiServerCollection.Name)]
public sealed class SecretTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    [Fact]
    public async Task StringData_IsMergedIntoData_OnCreateAndUpdate_AndNotStored()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            Data = new Dictionary<string, byte[]> { ["kept"] = "old"u8.ToArray(), ["both"] = "from-data"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["both"] = "from-stringData", ["plain"] = "p" },
        }, ns);

        Assert.Null(created.StringData);
        Assert.Equal("old", System.Text.Encoding.UTF8.GetString(created.Data["kept"]));
        Assert.Equal("from-stringData", System.Text.Encoding.UTF8.GetString(created.Data["both"]));
        Assert.Equal("p", System.Text.Encoding.UTF8.GetString(created.Data["plain"]));
        Assert.Equal("Opaque", created.Type);

        created.StringData = new Dictionary<string, string> { ["plain"] = "q" };
        var updated = await Client.CoreV1.ReplaceNamespacedSecretAsync(created, "s", ns);
        Assert.Equal("q", System.Text.Encoding.UTF8.GetString(updated.Data["plain"]));
        Assert.Null((await Client.CoreV1.ReadNamespacedSecretAsync("s", ns)).StringData);
    }
}
