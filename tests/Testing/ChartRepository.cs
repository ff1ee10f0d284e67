namespace Tide.Testing;

/// <summary>
/// A Helm chart repository made by the real helm: charts packaged with `helm package` into a directory indexed by
/// `helm repo index` (relative chart URLs), served by a <see cref="StaticHttpServer"/>.
/// </summary>
public sealed class ChartRepository : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private ChartRepository(TempDirectory directory, StaticHttpServer server)
    {
        _directory = directory;
        Server = server;
    }

    public StaticHttpServer Server { get; }

    public string Url => Server.Url;

    /// <summary>The directory served (index.yaml and the .tgz archives).</summary>
    public string Directory => _directory.Path;

    /// <param name="charts">Chart directories to package (e.g. the corpus's podinfo/chart).</param>
    public static async Task<ChartRepository> StartAsync(IEnumerable<string> charts, string? username = null, string? password = null)
    {
        var directory = new TempDirectory("tide-charts-");
        foreach (var chart in charts)
            await PackageAsync(chart, directory.Path);
        await IndexAsync(directory.Path);
        return new ChartRepository(directory, StaticHttpServer.Start(directory.Path, username, password));
    }

    /// <summary>Packages another chart into the repository and indexes it again (a new chart version published).</summary>
    public async Task PublishAsync(string chart)
    {
        await PackageAsync(chart, Directory);
        await IndexAsync(Directory);
    }

    private static Task PackageAsync(string chart, string destination) =>
        Helm.RunCheckedAsync(["package", chart, "--destination", destination]);

    private static Task IndexAsync(string directory) => Helm.RunCheckedAsync(["repo", "index", directory]);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
