using System.Text.Json.Nodes;
using k8s;
using k8s.KubeConfigModels;
using Tide.Engine.Yaml;

namespace Tide.Host.Cli;

/// <summary>
/// Reads a kubeconfig for the CLI without KubernetesClient's YAML loader, whose first use reflects over every model
/// type of the library (~0.7 s of a verb's start, see BENCHMARKS.md). Covers servers, CAs, tokens, basic auth, client
/// certificates (inline or files) and namespaces; a kubeconfig with exec or auth-provider credentials goes to
/// KubernetesClient's loader, which runs them.
/// </summary>
public static class KubeconfigReader
{
    public static KubernetesClientConfiguration Load(string path, string? context)
    {
        if (YamlJson.Parse(File.ReadAllText(path)) is not JsonObject root || NeedsFullLoader(root))
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        var config = new K8SConfiguration
        {
            FileName = Path.GetFullPath(path),
            CurrentContext = Text(root["current-context"]),
            Clusters = Named(root["clusters"], "cluster", (name, c) => new Cluster
            {
                Name = name,
                ClusterEndpoint = new ClusterEndpoint
                {
                    Server = Text(c?["server"]),
                    CertificateAuthority = Text(c?["certificate-authority"]),
                    CertificateAuthorityData = Text(c?["certificate-authority-data"]),
                    SkipTlsVerify = c?["insecure-skip-tls-verify"]?.GetValue<bool>() ?? false,
                    TlsServerName = Text(c?["tls-server-name"]),
                },
            }),
            Users = Named(root["users"], "user", (name, u) => new User
            {
                Name = name,
                UserCredentials = new UserCredentials
                {
                    Token = Text(u?["token"]),
                    UserName = Text(u?["username"]),
                    Password = Text(u?["password"]),
                    ClientCertificate = Text(u?["client-certificate"]),
                    ClientCertificateData = Text(u?["client-certificate-data"]),
                    ClientKey = Text(u?["client-key"]),
                    ClientKeyData = Text(u?["client-key-data"]),
                    Impersonate = Text(u?["as"]),
                },
            }),
            Contexts = Named(root["contexts"], "context", (name, c) => new Context
            {
                Name = name,
                ContextDetails = new ContextDetails
                {
                    Cluster = Text(c?["cluster"]),
                    User = Text(c?["user"]),
                    Namespace = Text(c?["namespace"]),
                },
            }),
        };
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context);
    }

    private static bool NeedsFullLoader(JsonObject root) =>
        (root["users"] as JsonArray ?? []).Any(u => u?["user"]?["exec"] is not null || u?["user"]?["auth-provider"] is not null ||
                                                   u?["user"]?["tokenFile"] is not null);

    private static List<T> Named<T>(JsonNode? list, string key, Func<string, JsonNode?, T> create) =>
        (list as JsonArray ?? []).Select(entry => create(Text(entry?["name"]) ?? "", entry?[key])).ToList();

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToString();
}
