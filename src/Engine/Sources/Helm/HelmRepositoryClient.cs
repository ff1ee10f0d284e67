using System.Net.Http.Headers;
using System.Text;
using Tide.Engine.Api;

namespace Tide.Engine.Sources.Helm;

/// <summary>
/// Reads a chart repository over HTTP/S as Helm's getter does: index.yaml under the repository URL, chart archives
/// at the URLs the index lists (relative ones resolved against the repository URL). Credentials go only to the
/// repository's host unless passCredentials allows others.
/// </summary>
public sealed class HelmRepositoryClient(HttpClient http, string repositoryUrl, HelmRepositoryCredentials? credentials)
{
    /// <summary>Helm's limit on an index file (Flux's helm.MaxIndexSize default, 50 MiB).</summary>
    public const long MaxIndexSize = 50L << 20;

    /// <summary>Flux's limit on a chart archive (helm.MaxChartSize default, 10 MiB).</summary>
    public const long MaxChartSize = 10L << 20;

    private readonly Uri _base = new(repositoryUrl.TrimEnd('/') + "/");

    public async Task<byte[]> DownloadIndexAsync(CancellationToken ct)
    {
        var url = new Uri(_base, "index.yaml");
        try
        {
            return await GetAsync(url, MaxIndexSize, "index", ct);
        }
        catch (SourceFetchException e)
        {
            throw new SourceFetchException(e.Reason, $"failed to fetch Helm repository index: failed to cache index to temporary file: {e.Message}", e.Terminal, e);
        }
    }

    public async Task<byte[]> DownloadChartAsync(ChartVersionEntry entry, CancellationToken ct)
    {
        if (entry.Urls.Count == 0)
            throw new SourceFetchException(HelmChart.ChartPullFailedReason, $"chart '{entry.Name}' has no downloadable URLs");
        if (!Uri.TryCreate(_base, entry.Urls[0], out var url) || url.Scheme is not ("http" or "https"))
            throw new SourceFetchException(HelmChart.ChartPullFailedReason, $"chart '{entry.Name}' has an invalid URL '{entry.Urls[0]}'");
        return await GetAsync(url, MaxChartSize, "chart", ct);
    }

    private async Task<byte[]> GetAsync(Uri url, long maxSize, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (credentials is not null && (credentials.PassCredentials || SameHost(url)))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SourceFetchException(ConditionReasons.Failed, $"looks like \"{Redacted(url)}\" is not a valid chart repository or cannot be reached: {e.Message}", inner: e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new SourceFetchException(ConditionReasons.Failed, $"failed to fetch {Redacted(url)} : {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > maxSize)
                throw new SourceFetchException(ConditionReasons.Failed, $"{what} exceeds the maximum size of {maxSize} bytes");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxSize)
                    throw new SourceFetchException(ConditionReasons.Failed, $"{what} exceeds the maximum size of {maxSize} bytes");
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }

    private bool SameHost(Uri url) =>
        string.Equals(url.Host, _base.Host, StringComparison.OrdinalIgnoreCase) && url.Port == _base.Port;

    /// <summary>The URL without user information, for messages.</summary>
    private static string Redacted(Uri url) => new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString();
}
