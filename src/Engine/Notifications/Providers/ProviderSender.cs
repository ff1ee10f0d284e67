using System.Text;
using System.Text.Json.Nodes;
using Cel;
using Tide.Engine.Api;
using Tide.Engine.Expressions;
using Tide.Engine.Kube;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Engine.Yaml;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// Sends an event through a Provider: reads its Secrets (secretRef: 'address', 'token', 'username'/'password',
/// 'headers', 'proxy'; proxySecretRef; certSecretRef), names the commit status (commitStatusExpr, or Flux's default
/// "kind/name/&lt;Provider UID prefix&gt;"), and posts within the Provider's timeout. The one entry point for anything
/// that notifies (Alerts, and later Canary analysis). Failures are <see cref="NotifierException"/>s whose messages
/// hold no secret value.
/// </summary>
public sealed class ProviderSender(KubeClient kube, NotificationHttp http)
{
    private const int MaxAddressLength = 2048;

    /// <param name="alert">The Alert the event came through (a variable of commitStatusExpr); null when sent directly.</param>
    public async Task SendAsync(Provider provider, FluxEvent e, Alert? alert, CancellationToken ct)
    {
        var config = await ResolveAsync(provider, e, alert, ct);
        var notifier = NotifierFactory.Create(http, config);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(provider.Spec.GetTimeout());
        try
        {
            await notifier.PostAsync(e, timeout.Token);
        }
        catch (NotifierException failure)
        {
            throw new NotifierException(config.Mask($"postMessage failed: {failure.Message}"), failure, failure.Transient);
        }
    }

    /// <summary>The settings a notifier needs, from the Provider and its Secrets.</summary>
    public async Task<ProviderConfig> ResolveAsync(Provider provider, FluxEvent e, Alert? alert, CancellationToken ct)
    {
        var spec = provider.Spec;
        var ns = provider.Metadata.NamespaceProperty ?? "";
        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
            throw new NotifierException("spec.serviceAccountName (workload identity) is not supported by Tide; use a secretRef");
        var secrets = new List<string>();
        var secret = spec.SecretRef is null ? null : await ReadSecretAsync(ns, spec.SecretRef.Name, ct);
        string? Text(string key)
        {
            if (secret is null || !secret.TryGetValue(key, out var value))
                return null;
            var text = Encoding.UTF8.GetString(value).Trim();
            secrets.Add(text);
            return text;
        }
        var address = Text("address");
        if (address is { Length: > MaxAddressLength })
            throw new NotifierException($"invalid address in secret: address exceeds maximum length of {MaxAddressLength} bytes");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Text("headers") is { } headersYaml)
        {
            try
            {
                if (YamlJson.Parse(headersYaml) is JsonObject map)
                    foreach (var (name, value) in map)
                        headers[name] = value?.ToString() ?? "";
            }
            catch (Exception failure) when (failure is FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                throw new NotifierException("failed to read headers from secret: not a YAML map of strings");
            }
            secrets.AddRange(headers.Values);
        }
        var proxy = await ProxyAsync(spec, ns, Text("proxy"), ct);
        var tlsSecret = spec.CertSecretRef?.Name ?? spec.SecretRef?.Name ?? "";
        var tls = spec.CertSecretRef is not null ? await ReadSecretAsync(ns, spec.CertSecretRef.Name, ct)
            // Git providers read a CA from their secretRef when no certSecretRef names one.
            : NotifierFactory.IsCommitStatusType(spec.Type) && secret?.ContainsKey(TlsHttpClient.CaKey) == true ? secret : null;
        return new ProviderConfig
        {
            Type = spec.Type,
            Address = address ?? spec.Address ?? "",
            Token = Text("token"),
            Username = Text("username") ?? spec.Username,
            Password = Text("password"),
            Channel = spec.Channel,
            Headers = headers,
            Proxy = proxy,
            Tls = tls,
            TlsSecretName = $"{ns}/{tlsSecret}",
            CommitStatus = NotifierFactory.IsCommitStatusType(spec.Type) ? CommitStatus(provider, e, alert) : null,
            ProviderUid = provider.Metadata.Uid ?? "",
            Secrets = secrets,
        };
    }

    private async Task<GitProxy?> ProxyAsync(ProviderSpec spec, string ns, string? secretProxy, CancellationToken ct)
    {
        try
        {
            if (spec.ProxySecretRef is { } reference)
                return GitProxy.FromSecret(ns, reference.Name, await ReadSecretAsync(ns, reference.Name, ct));
            var address = secretProxy ?? spec.Proxy;
            return string.IsNullOrEmpty(address) ? null
                : GitProxy.FromSecret(ns, "spec.proxy", new Dictionary<string, byte[]> { ["address"] = Encoding.UTF8.GetBytes(address) });
        }
        catch (SourceFetchException failure)
        {
            throw new NotifierException(failure.Message, failure);
        }
    }

    private async Task<IReadOnlyDictionary<string, byte[]>> ReadSecretAsync(string ns, string name, CancellationToken ct)
    {
        var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ns, name), ct)
            ?? throw new NotifierException($"failed to get secret '{ns}/{name}': secrets \"{name}\" not found");
        return (secret["data"] as JsonObject ?? []).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value!.GetValue<string>()));
    }

    /// <summary>commitStatusExpr evaluated over event, alert and provider; or Flux's default key.</summary>
    private static string CommitStatus(Provider provider, FluxEvent e, Alert? alert)
    {
        if (string.IsNullOrEmpty(provider.Spec.CommitStatusExpr))
            return $"{e.InvolvedObject.Kind}/{e.InvolvedObject.Name}/{(provider.Metadata.Uid ?? "").Split('-')[0]}".ToLowerInvariant();
        object? result;
        try
        {
            var run = new CelEnvironment(null, null).Compile(provider.Spec.CommitStatusExpr);
            result = run(new Dictionary<string, object?>
            {
                ["event"] = CelJson.From(e.ToJsonObject()),
                ["provider"] = CelJson.From(FluxJson.ToNode(provider)),
                ["alert"] = alert is null ? new Dictionary<string, object?>() : CelJson.From(FluxJson.ToNode(alert)),
            });
        }
        catch (CelException failure)
        {
            throw new NotifierException($"failed to evaluate the spec.commitStatusExpr CEL expression for the event: {failure.Message}", failure);
        }
        return result as string ?? throw new NotifierException(
            "failed to evaluate the spec.commitStatusExpr CEL expression for the event: the result is not a string");
    }
}
