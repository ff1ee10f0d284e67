using Microsoft.Extensions.Hosting;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tide.ApiServer.Authorization;
using Tide.ApiServer.Faults;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Storage;
using Tide.ApiServer.Workloads;

namespace Tide.ApiServer;

/// <summary>A running embedded Kubernetes-compatible API server on 127.0.0.1 (plain HTTP, bearer token).</summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    private readonly WebApplication _app;
    private readonly ObjectStore _store;

    private readonly X509Certificate2 _certificate;
    private readonly bool _tls;
    private readonly WorkloadSimulator? _simulator;
    private readonly FaultInjector _faults;

    private ApiServerHost(WebApplication app, ObjectStore store, Uri url, string token, X509Certificate2 certificate, bool tls,
        WorkloadSimulator? simulator, FaultInjector faults)
    {
        _faults = faults;
        _certificate = certificate;
        _tls = tls;
        _simulator = simulator;
        _app = app;
        _store = store;
        Url = url;
        Token = token;
    }

    /// <summary>The server's base URL, e.g. http://127.0.0.1:41234.</summary>
    public Uri Url { get; }

    /// <summary>The admin user's bearer token.</summary>
    public string Token { get; }

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => _store.State.Revision;

    /// <summary>The faults injected now (<see cref="ApiServerOptions.Faults"/> at start). Setting them takes effect at
    /// once, for tests and benchmarks that make a cluster slow or unreachable for a while: requests waiting out the
    /// old latency go on under the new faults.</summary>
    public FaultOptions Faults
    {
        get => _faults.Options;
        set => _faults.Update(value);
    }

    /// <summary>Open watches (for tests and benchmarks that check watches are released).</summary>
    public int WatchCount => _store.WatchCount;

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, CancellationToken ct = default)
    {
        var token = options.Token ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var store = new ObjectStore(options.WatchHistory, options.BookmarkInterval, options.DataDirectory);
        try
        {
            var catalog = new ResourceCatalog();
            foreach (var crd in store.State.List(BuiltinResources.CustomResourceDefinitions, null))
            {
                catalog.Register(crd.ToNode());
            }
            var time = options.TimeProvider;
            // Every cluster has a CA, published in each namespace; with --tls it is the one serving certificate.
            var certificate = SelfSignedCertificate();
            var operations = new ResourceOperations(store, catalog, time, new NamespaceDefaults(certificate.ExportCertificatePem() + "\n"));
            CreateSystemNamespaces(operations, catalog);
            BootstrapPolicy.Create(operations, catalog);

            var users = new Dictionary<string, RequestUser>(options.Users) { [token] = RequestUser.Admin };
            var tables = new TableConverter(time);
            var authorizer = new RbacAuthorizer(store);
            var resources = new ResourceEndpoint(catalog, operations, tables, new WatchStreamer(store, tables), new EscalationCheck(authorizer),
                options.MaxRequestBodyBytes);
            string serverAddress = "";
            var faults = new FaultInjector(options.Faults);
            var authenticator = new Authenticator(users, anonymousIsAdmin: !options.Tls);
            var handler = new ApiHandler(catalog, authenticator, authorizer,
                faults, resources, new AccessReviewEndpoint(authorizer, authenticator, options.MaxRequestBodyBytes),
                () => serverAddress);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
                {
                    if (options.Tls) listen.UseHttps(certificate);
                });
                kestrel.AddServerHeader = false;
                // Bodies are limited by the handler so that an oversized one gets a Status, not a dropped connection.
                kestrel.Limits.MaxRequestBodySize = null;
                kestrel.Limits.MaxConcurrentConnections = null;
                kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            // Thousands of watchers may (re)connect at once; Kestrel's default backlog of 512 would reset them.
            builder.Services.Configure<SocketTransportOptions>(o => o.Backlog = 4096);
            // An embedded server does not own the process: SIGINT/SIGTERM belong to whoever hosts it.
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
            var app = builder.Build();
            app.Run(handler.HandleAsync);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
            serverAddress = url.Authority;
            var simulator = options.SimulateWorkloads ? new WorkloadSimulator(operations, catalog, time, options.WorkloadDelay) : null;
            return new ApiServerHost(app, store, url, token, certificate, options.Tls, simulator, faults);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static void CreateSystemNamespaces(ResourceOperations operations, ResourceCatalog catalog)
    {
        var namespaces = catalog.FindStorage(BuiltinResources.Namespaces)!;
        foreach (var name in SystemNamespaces)
        {
            if (operations.Store.State.Get(BuiltinResources.Namespaces, name) is not null) continue;
            operations.Create(new WriteContext(namespaces, null, "tide-apiserver"),
                new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=tide-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        // Kestrel needs the key in an exportable, loadable form.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes a kubeconfig (cluster, admin user with the bearer token, context "tide") that kubectl and
    /// KubernetesClient accept. Returns the path.</summary>
    public string WriteKubeconfig(string path, string contextName = "tide")
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {{contextName}}
              cluster:
                server: {{Url.GetLeftPart(UriPartial.Authority)}}{{CertificateAuthorityLine()}}
            users:
            - name: {{contextName}}-admin
              user:
                token: {{Token}}
            contexts:
            - name: {{contextName}}
              context:
                cluster: {{contextName}}
                user: {{contextName}}-admin
                namespace: default
            current-context: {{contextName}}
            preferences: {}

            """);
        return path;
    }

    private string CertificateAuthorityLine() => !_tls ? ""
        : "\n    certificate-authority-data: " + Convert.ToBase64String(Encoding.ASCII.GetBytes(_certificate.ExportCertificatePem()));

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null) await _simulator.DisposeAsync();
        // Watches are endless requests: closing them first lets the server stop at once.
        _store.CloseWatches();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _store.Dispose();
        _certificate.Dispose();
    }
}
