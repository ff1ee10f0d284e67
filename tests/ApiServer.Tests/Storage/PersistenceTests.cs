using System.Text.Json;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Storage;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("tide-data-").FullName;

    private static ApiServerOptions Options(string data) => new() { DataDirectory = data, SimulateWorkloads = false };

    private static Kubernetes ClientFor(ApiServerHost server) => new(new KubernetesClientConfiguration { Host = server.Url.ToString() });

    [Fact]
    public async Task Restart_KeepsEveryAcknowledgedWrite_AndResourceVersionsStayMonotonic()
    {
        long lastVersion;
        await using (var server = await ApiServerHost.StartAsync(Options(_data)))
        {
            var client = ClientFor(server);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "keep" } });
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Semantics.CustomResourceTests.Crd("persist.example.com", "Note", "notes"));
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(new Dictionary<string, object>
            {
                ["apiVersion"] = "persist.example.com/v1",
                ["kind"] = "Note",
                ["metadata"] = new Dictionary<string, object> { ["name"] = "n1" },
                ["spec"] = new Dictionary<string, object> { ["text"] = "hello" },
            }, "persist.example.com", "v1", "keep", "notes");
            for (var i = 0; i < 20; i++)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } }, "keep");
            }
            await client.CoreV1.DeleteNamespacedConfigMapAsync("c0", "keep");
            lastVersion = server.ResourceVersion;
        }

        await using (var restarted = await ApiServerHost.StartAsync(Options(_data)))
        {
            var client = ClientFor(restarted);
            Assert.Equal(lastVersion, restarted.ResourceVersion);
            var names = NamespaceContent.OwnConfigMaps(await client.CoreV1.ListNamespacedConfigMapAsync("keep"));
            Assert.Equal(19, names.Count);
            Assert.DoesNotContain("c0", names);
            var note = (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync("persist.example.com", "v1", "keep", "notes", "n1");
            Assert.Equal("hello", note.GetProperty("spec").GetProperty("text").GetString());
            var created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "after" } }, "keep");
            Assert.True(long.Parse(created.Metadata.ResourceVersion) > lastVersion);
        }
    }

    [Fact]
    public async Task CrashImage_TakenRightAfterTheResponses_HasEveryAcknowledgedWrite()
    {
        var crash = Directory.CreateTempSubdirectory("tide-crash-").FullName;
        try
        {
            await using (var server = await ApiServerHost.StartAsync(Options(_data)))
            {
                var client = ClientFor(server);
                await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
                    client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"w{i}" } }, "default")));
                // The server is still running: copying its files now is what a crash leaves behind.
                foreach (var file in Directory.GetFiles(_data))
                {
                    using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    using var target = File.Create(Path.Combine(crash, Path.GetFileName(file)));
                    await source.CopyToAsync(target);
                }
            }
            await using var recovered = await ApiServerHost.StartAsync(Options(crash));
            var items = (await ClientFor(recovered).CoreV1.ListNamespacedConfigMapAsync("default")).Items;
            Assert.Equal(50, items.Count(i => i.Metadata.Name.StartsWith('w')));
        }
        finally
        {
            Directory.Delete(crash, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
