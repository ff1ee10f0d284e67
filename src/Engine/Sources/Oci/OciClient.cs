using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tide.Engine.Sources.Oci;

/// <summary>
/// A client of one registry speaking the OCI distribution API over HttpClient. Requests go out anonymously first;
/// on 401 the client answers the registry's WWW-Authenticate challenge: Basic with the credentials, or Bearer by
/// fetching a token from the challenge's realm (with the credentials, when there are any) for the request's scope.
/// The authorization is then reused for later requests. Plain HTTP only when <c>insecure</c>.
/// </summary>
public sealed partial class OciClient(HttpClient http, string registry, bool insecure, OciCredentials? credentials)
{
    private static readonly string[] ManifestMediaTypes =
        [FluxArtifactTypes.ManifestMediaType, FluxArtifactTypes.DockerManifestMediaType];

    private readonly string _baseUrl = $"{(insecure ? "http" : "https")}://{registry}/v2/";
    private readonly Dictionary<string, AuthenticationHeaderValue> _authorizations = new(StringComparer.Ordinal);

    public string Registry { get; } = registry;

    /// <summary>All tags of the repository, following the registry's pagination links.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        var url = $"{_baseUrl}{repository}/tags/list";
        while (url is not null)
        {
            var page = url;
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, page), Pull(repository), cancellationToken);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            tags.AddRange(body?["tags"]?.AsArray().Select(t => (string)t!) ?? []);
            url = NextPage(response);
        }
        return tags;
    }

    /// <summary>The image manifest at a tag or digest; the digest is computed from the bytes served and, when the
    /// reference is a digest, must equal it.</summary>
    public async Task<OciManifest> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{_baseUrl}{repository}/manifests/{reference}");
            foreach (var type in ManifestMediaTypes)
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            return request;
        }, Pull(repository), cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var digest = Sha256Digest(bytes);
        if (reference.Contains(':') && reference != digest)
            throw new OciException($"manifest of '{repository}@{reference}' has digest '{digest}'");
        var json = JsonNode.Parse(bytes)!.AsObject();
        var mediaType = (string?)json["mediaType"] ?? response.Content.Headers.ContentType?.MediaType ?? "";
        if (!ManifestMediaTypes.Contains(mediaType))
            throw new OciException($"'{repository}:{reference}' is a '{mediaType}', not an image manifest");
        return new OciManifest(
            digest,
            mediaType,
            Descriptor(json["config"] ?? throw new OciException($"manifest of '{repository}:{reference}' has no config")),
            json["layers"]?.AsArray().Select(l => Descriptor(l!)).ToList() ?? [],
            Annotations(json["annotations"]) ?? new Dictionary<string, string>());
    }

    /// <summary>Writes a blob to <paramref name="destination"/>, checking its digest as it streams.</summary>
    public async Task CopyBlobAsync(string repository, OciDescriptor blob, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, $"{_baseUrl}{repository}/blobs/{blob.Digest}"), Pull(repository), cancellationToken);
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != blob.Digest)
            throw new OciException($"blob '{blob.Digest}' of '{repository}' was served with digest '{actual}'");
    }

    /// <summary>Uploads a blob (monolithic upload) unless the registry already has it.</summary>
    public async Task PushBlobAsync(string repository, string digest, Func<HttpContent> content, CancellationToken cancellationToken)
    {
        var scope = Push(repository);
        using (var head = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, $"{_baseUrl}{repository}/blobs/{digest}"),
                   scope, cancellationToken, allowNotFound: true))
        {
            if (head.IsSuccessStatusCode)
                return;
        }
        using var start = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}{repository}/blobs/uploads/"), scope, cancellationToken);
        var location = start.Headers.Location ?? throw new OciException($"the registry gave no upload location for '{repository}'");
        var upload = location.IsAbsoluteUri ? location : new Uri(new Uri(_baseUrl), location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        var put = $"{upload}{separator}digest={Uri.EscapeDataString(digest)}";
        using var done = await SendAsync(() =>
        {
            var body = content();
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Put, put) { Content = body };
        }, scope, cancellationToken);
    }

    /// <summary>Uploads a manifest under a tag and returns its digest.</summary>
    public async Task<string> PushManifestAsync(
        string repository, string tag, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var body = new ByteArrayContent(manifest);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, $"{_baseUrl}{repository}/manifests/{tag}") { Content = body };
        }, Push(repository), cancellationToken);
        return Sha256Digest(manifest);
    }

    public static string Sha256Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Pull(string repository) => $"repository:{repository}:pull";

    private static string Push(string repository) => $"repository:{repository}:pull,push";

    /// <summary>Sends a request (built afresh for each attempt), answering one authentication challenge.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> create, string scope, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        var response = await SendOnceAsync(create, scope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && response.Headers.WwwAuthenticate.FirstOrDefault() is { } challenge)
        {
            var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}";
            response.Dispose();
            _authorizations[scope] = await AnswerChallengeAsync(challenge, scope, request, cancellationToken);
            response = await SendOnceAsync(create, scope, cancellationToken);
        }
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            return response;
        using (response)
            throw await ErrorAsync(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, string scope, CancellationToken cancellationToken)
    {
        using var request = create();
        if (_authorizations.TryGetValue(scope, out var authorization))
            request.Headers.Authorization = authorization;
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new OciException($"{request.Method} {request.RequestUri}: {e.Message}", inner: e);
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerChallengeAsync(
        AuthenticationHeaderValue challenge, string scope, string request, CancellationToken cancellationToken)
    {
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return Basic() ?? throw new OciException($"{request}: UNAUTHORIZED: authentication required", HttpStatusCode.Unauthorized);
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            throw new OciException($"unsupported authentication scheme '{challenge.Scheme}' of '{Registry}'", HttpStatusCode.Unauthorized);

        var parameters = ChallengeParameter().Matches(challenge.Parameter ?? "")
            .ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => m.Groups[2].Value);
        if (!parameters.TryGetValue("realm", out var realm))
            throw new OciException($"the Bearer challenge of '{Registry}' has no realm", HttpStatusCode.Unauthorized);
        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service))
            query.Add("service=" + Uri.EscapeDataString(service));
        query.Add("scope=" + Uri.EscapeDataString(parameters.GetValueOrDefault("scope") ?? scope));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?') ? "&" : "?") + string.Join("&", query));
        tokenRequest.Headers.Authorization = Basic();
        using var response = await http.SendAsync(tokenRequest, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var token = (string?)body?["token"] ?? (string?)body?["access_token"]
            ?? throw new OciException($"the token service '{realm}' returned no token", HttpStatusCode.Unauthorized);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private AuthenticationHeaderValue? Basic() => credentials is null
        ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));

    /// <summary>The registry's error, as go-containerregistry renders it: "GET url: CODE: message".</summary>
    private static async Task<OciException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var request = response.RequestMessage;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = $"unexpected status code {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            if (JsonNode.Parse(text)?["errors"] is JsonArray { Count: > 0 } errors)
                detail = string.Join("; ", errors.Select(e => $"{(string?)e?["code"]}: {(string?)e?["message"]}"));
        }
        catch (JsonException)
        {
        }
        return new OciException($"{request?.Method} {request?.RequestUri}: {detail}", response.StatusCode);
    }

    /// <summary>The next page of a listing, from a Link header such as &lt;/v2/x/tags/list?last=a&gt;; rel="next".</summary>
    private string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
            return null;
        var match = NextLink().Match(string.Join(",", links));
        return match.Success ? new Uri(new Uri(_baseUrl), match.Groups[1].Value).ToString() : null;
    }

    private static OciDescriptor Descriptor(JsonNode node) => new(
        (string?)node["mediaType"] ?? "",
        (string?)node["digest"] ?? throw new OciException("a descriptor has no digest"),
        (long?)node["size"] ?? 0,
        Annotations(node["annotations"]));

    private static IReadOnlyDictionary<string, string>? Annotations(JsonNode? node) =>
        node?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal);

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex ChallengeParameter();

    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"?next\"?")]
    private static partial Regex NextLink();
}
