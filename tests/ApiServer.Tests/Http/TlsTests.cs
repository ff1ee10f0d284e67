using System.Diagnostics;
using System.Net;

namespace Tide.ApiServer.Tests.Http;

/// <summary>With TLS the bearer token of the kubeconfig is required (kubectl sends tokens over HTTPS only).</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Tls_KubectlUsesTheKubeconfigToken_AndAnonymousIsRefused()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { Tls = true, SimulateWorkloads = false });
        Assert.Equal("https", server.Url.Scheme);
        var directory = Directory.CreateTempSubdirectory("tide-tls-").FullName;
        try
        {
            var kubeconfig = server.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
            var start = new ProcessStartInfo("kubectl", ["--kubeconfig", kubeconfig, "get", "namespaces", "-o", "name"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var kubectl = Process.Start(start)!;
            var output = await kubectl.StandardOutput.ReadToEndAsync();
            await kubectl.WaitForExitAsync();
            Assert.True(kubectl.ExitCode == 0, await kubectl.StandardError.ReadToEndAsync());
            Assert.Contains("namespace/default", output);

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var anonymous = new HttpClient(handler) { BaseAddress = server.Url };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/namespaces")).StatusCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
