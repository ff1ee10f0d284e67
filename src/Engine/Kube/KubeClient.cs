using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace Tide.Engine.Kube;

/// <summary>
/// Unstructured access to any kind, over KubernetesClient's authenticated HTTP pipeline: get, list, watch, server-side
/// apply (with dry-run), merge patches of the main resource, server-side apply of /status, delete. Discovery results are cached
/// per group/version and refreshed on a miss, so kinds from freshly installed CRDs resolve.
/// </summary>
public sealed class KubeClient : IDisposable
{
    private readonly Kubernetes _kubernetes;
    private readonly ConcurrentDictionary<string, IReadOnlyList<ResourceMapping>> _discovery;
    private readonly string? _impersonateUser;
    private readonly IReadOnlyList<string> _impersonateGroups;
    /// <summary>Whether this client made <see cref="_kubernetes"/> (an impersonating client shares its parent's).</summary>
    private readonly bool _ownsConnection;

    public KubeClient(KubernetesClientConfiguration configuration, string? impersonateUser = null)
        : this(configuration, ClusterLimits.Unlimited, impersonateUser)
    {
    }

    /// <param name="limits">QPS and burst of this client's requests (watches included).</param>
    public KubeClient(KubernetesClientConfiguration configuration, ClusterLimits limits, string? impersonateUser = null)
        : this(limits.Qps > 0 ? new Kubernetes(configuration, new RateLimitingHandler(limits)) : new Kubernetes(configuration),
            configuration, impersonateUser, [], new ConcurrentDictionary<string, IReadOnlyList<ResourceMapping>>(), ownsConnection: true)
    {
    }

    private KubeClient(Kubernetes kubernetes, KubernetesClientConfiguration configuration, string? impersonateUser,
        IReadOnlyList<string> impersonateGroups, ConcurrentDictionary<string, IReadOnlyList<ResourceMapping>> discovery,
        bool ownsConnection)
    {
        _discovery = discovery;
        _kubernetes = kubernetes;
        _impersonateUser = impersonateUser;
        _impersonateGroups = impersonateGroups;
        _ownsConnection = ownsConnection;
        Configuration = configuration;
    }

    public KubernetesClientConfiguration Configuration { get; }

    public Uri BaseUri => _kubernetes.BaseUri;

    public static KubeClient FromKubeconfig(string path, string? context = null) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context));

    /// <summary>A client that acts as another user (Impersonate-User), e.g. a ServiceAccount. It shares this client's
    /// connections, limits and discovery cache (which kinds a cluster serves does not depend on who asks), and is valid
    /// as long as this client is.</summary>
    public KubeClient Impersonating(string user) => Impersonating(user, []);

    /// <summary>A client that acts as a user with its groups (Impersonate-User and Impersonate-Group), e.g. the
    /// person a TokenReview named; shared as <see cref="Impersonating(string)"/>.</summary>
    public KubeClient Impersonating(string user, IReadOnlyList<string> groups) =>
        new(_kubernetes, Configuration, user, groups, _discovery, ownsConnection: false);

    public async Task<ResourceMapping> ResolveAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var found = (await DiscoverAsync(apiVersion, refresh: false, ct)).FirstOrDefault(m => m.Kind == kind)
                    ?? (await DiscoverAsync(apiVersion, refresh: true, ct)).FirstOrDefault(m => m.Kind == kind);
        return found ?? throw new KubeApiException(HttpStatusCode.NotFound, "NotFound",
            $"no matches for kind \"{kind}\" in version \"{apiVersion}\"");
    }

    private async Task<IReadOnlyList<ResourceMapping>> DiscoverAsync(string apiVersion, bool refresh, CancellationToken ct)
    {
        if (!refresh && _discovery.TryGetValue(apiVersion, out var cached))
            return cached;
        var slash = apiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        JsonObject? list;
        try
        {
            list = await SendAsync(HttpMethod.Get, path, null, null, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            list = null;
        }
        var mappings = (list?["resources"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(r => !(r["name"]?.GetValue<string>() ?? "/").Contains('/'))
            .Select(r => new ResourceMapping(group, version, r["kind"]!.GetValue<string>(), r["name"]!.GetValue<string>(),
                r["namespaced"]?.GetValue<bool>() ?? false))
            .ToList();
        _discovery[apiVersion] = mappings;
        return mappings;
    }

    public async Task<JsonObject?> GetAsync(ObjectRef target, CancellationToken ct)
    {
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        try
        {
            return await SendAsync(HttpMethod.Get, mapping.ObjectPath(target.Namespace, target.Name), null, null, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<ObjectList> ListAsync(string apiVersion, string kind, string? @namespace, string? labelSelector,
        CancellationToken ct)
    {
        var mapping = await ResolveAsync(apiVersion, kind, ct);
        var query = labelSelector is null ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector);
        var list = await SendAsync(HttpMethod.Get, mapping.CollectionPath(@namespace) + query, null, null, ct)
                   ?? throw new InvalidOperationException("empty list response");
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(item =>
        {
            // Items of a list carry no apiVersion/kind in Kubernetes' responses.
            item["apiVersion"] ??= apiVersion;
            item["kind"] ??= kind;
            return item;
        }).ToList();
        foreach (var item in items)
            item.Parent?.AsArray().Remove(item);
        return new ObjectList(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
    }

    /// <summary>Watches a collection from <paramref name="resourceVersion"/>; ends when the server closes the stream.
    /// A 410 Gone (expired version) surfaces as a <see cref="KubeApiException"/> with <see cref="KubeApiException.IsGone"/>.</summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(string apiVersion, string kind, string? @namespace,
        string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken ct)
    {
        var mapping = await ResolveAsync(apiVersion, kind, ct);
        var query = $"?watch=1&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        if (labelSelector is not null)
            query += "&labelSelector=" + Uri.EscapeDataString(labelSelector);
        using var request = await CreateRequestAsync(HttpMethod.Get, mapping.CollectionPath(@namespace) + query, null, null, ct);
        using var response = await _kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw await ToExceptionAsync(response, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
                continue;
            var node = JsonNode.Parse(line) as JsonObject;
            var type = node?["type"]?.GetValue<string>();
            if (node?["object"] is not JsonObject obj || type is null)
                continue;
            obj.Parent?.AsObject().Remove("object");
            if (type == "ERROR")
                throw StatusException(obj, HttpStatusCode.InternalServerError);
            yield return new WatchEvent(type, obj);
        }
    }

    /// <summary>Server-side apply of <paramref name="obj"/> (its apiVersion, kind, namespace and name say where).</summary>
    public async Task<JsonObject> ApplyAsync(JsonObject obj, ApplyOptions options, CancellationToken ct)
    {
        var target = ObjectRef.Of(obj);
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        var query = $"?fieldManager={Uri.EscapeDataString(options.FieldManager)}&force={(options.Force ? "true" : "false")}";
        if (options.DryRun)
            query += "&dryRun=All";
        return (await SendAsync(HttpMethod.Patch, mapping.ObjectPath(target.Namespace, target.Name) + query,
            obj.ToJsonString(), "application/apply-patch+yaml", ct))!;
    }

    /// <summary>
    /// Writes the object's whole status: a server-side apply of the status subresource as <paramref name="fieldManager"/>
    /// (forced, as controllers do), so the server then holds exactly <paramref name="status"/>: a field this manager
    /// wrote before and leaves out now is removed (a merge patch that omits it would leave it forever). Returns the
    /// object as the server holds it after the write.
    /// </summary>
    public async Task<JsonObject> ApplyStatusAsync(ObjectRef target, JsonObject status, string fieldManager, CancellationToken ct)
    {
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        var metadata = new JsonObject { ["name"] = target.Name };
        if (target.Namespace.Length > 0)
            metadata["namespace"] = target.Namespace;
        var body = new JsonObject
        {
            ["apiVersion"] = target.ApiVersion, ["kind"] = target.Kind, ["metadata"] = metadata, ["status"] = status,
        };
        var query = $"?fieldManager={Uri.EscapeDataString(fieldManager)}&force=true";
        return (await SendAsync(HttpMethod.Patch, mapping.ObjectPath(target.Namespace, target.Name) + "/status" + query,
            body.ToJsonString(), "application/apply-patch+yaml", ct))!;
    }

    /// <summary>A JSON merge patch of the object (metadata and spec).</summary>
    public async Task<JsonObject> PatchAsync(ObjectRef target, JsonObject patch, CancellationToken ct)
    {
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        return (await SendAsync(HttpMethod.Patch, mapping.ObjectPath(target.Namespace, target.Name),
            patch.ToJsonString(), "application/merge-patch+json", ct))!;
    }

    public async Task<JsonObject> CreateAsync(JsonObject obj, CancellationToken ct)
    {
        var target = ObjectRef.Of(obj);
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        return (await SendAsync(HttpMethod.Post, mapping.CollectionPath(target.Namespace), obj.ToJsonString(),
            "application/json", ct))!;
    }

    /// <summary>Deletes the object; returns false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(ObjectRef target, string propagationPolicy, CancellationToken ct)
    {
        var mapping = await ResolveAsync(target.ApiVersion, target.Kind, ct);
        try
        {
            await SendAsync(HttpMethod.Delete, mapping.ObjectPath(target.Namespace, target.Name),
                new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = propagationPolicy }
                    .ToJsonString(), "application/json", ct);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(HttpMethod method, string path, string? body,
        string? contentType, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(_kubernetes.BaseUri, path.TrimStart('/')));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType ?? "application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_impersonateUser is not null)
            request.Headers.Add("Impersonate-User", _impersonateUser);
        foreach (var group in _impersonateGroups)
            request.Headers.Add("Impersonate-Group", group);
        if (_kubernetes.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, ct);
        return request;
    }

    private const int MaxAttempts = 4;

    /// <summary>
    /// Sends a request; like client-go, a 429 is retried after its Retry-After (the server did nothing); 5xx answers
    /// are retried for requests that are safe to repeat: reads, and patches (Tide's patches are server-side applies
    /// and merge patches of a whole status, which give the same result twice). Other failures are the caller's.
    /// </summary>
    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, string? body, string? contentType,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = await CreateRequestAsync(method, path, body, contentType, ct);
            using var response = await _kubernetes.HttpClient.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                return text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            }
            var retriable = response.StatusCode == HttpStatusCode.TooManyRequests ||
                            ((int)response.StatusCode >= 500 && (method == HttpMethod.Get || method == HttpMethod.Patch));
            if (!retriable || attempt == MaxAttempts)
                throw await ToExceptionAsync(response, ct);
            var delay = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt));
            await Task.Delay(delay > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : delay, ct);
        }
    }

    private static async Task<KubeApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? status = null;
        try
        {
            status = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Not a Status object: the raw text is the message.
        }
        return status is null
            ? new KubeApiException(response.StatusCode, response.ReasonPhrase ?? "", text)
            : StatusException(status, response.StatusCode);
    }

    private static KubeApiException StatusException(JsonObject status, HttpStatusCode fallback) => new(
        status["code"] is { } code ? (HttpStatusCode)code.GetValue<int>() : fallback,
        status["reason"]?.GetValue<string>() ?? "",
        status["message"]?.GetValue<string>() ?? status.ToJsonString());

    public void Dispose()
    {
        if (_ownsConnection)
            _kubernetes.Dispose();
    }
}
