using System.Collections.Immutable;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Newtonsoft.Json;

namespace Tide.Actors.Cluster;

/// <summary>
/// Serves <c>GET /bootstrap/seed-nodes</c>, the contact point that other nodes' cluster bootstrap probes, in
/// Akka.Management's protocol (its own JSON types, serialized as its probes read them). Akka.Management's HTTP server
/// cannot run here: Akka.Http.Shim 1.5.73 calls a method of Ceen.Httpd 0.9.9 that 0.9.10, the only version NuGet
/// serves, no longer has (MissingMethodException on bind). This answers as its route does: this node's address, and
/// the cluster's reachable Joining/Up/WeaklyUp members (none while this node is leaving).
/// </summary>
internal sealed class ContactPointServer : IAsyncDisposable
{
    /// <summary>As many members as Akka.Management's contact point exposes.</summary>
    private const int MaxSeedNodes = 5;
    private readonly HttpListener _listener;
    private readonly ActorSystem _system;
    private readonly Task _serving;

    private ContactPointServer(HttpListener listener, ActorSystem system)
    {
        _listener = listener;
        _system = system;
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> (host 0.0.0.0: every interface).</summary>
    public static ContactPointServer Start(ActorSystem system, string host, int port)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{(host is "0.0.0.0" or "" ? "*" : host)}:{port}/bootstrap/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new IOException($"cannot serve the cluster contact point on {host}:{port}: {e.Message}", e);
        }
        return new ContactPointServer(listener, system);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await AnswerAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The prober went away; the next probe asks again.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.HttpMethod != "GET" || context.Request.Url?.AbsolutePath.TrimEnd('/') != "/bootstrap/seed-nodes")
        {
            response.StatusCode = 404;
            return;
        }
        var body = Encoding.UTF8.GetBytes(SeedNodesJson());
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    private string SeedNodesJson()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var self = cluster.SelfMember;
        var leaving = self.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed;
        var state = cluster.State;
        var members = leaving
            ? ImmutableList<HttpBootstrapJsonProtocol.ClusterMember>.Empty
            : state.Members
                .Where(m => !state.Unreachable.Contains(m))
                .Where(m => m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp)
                .OrderBy(_ => Random.Shared.Next())
                .Take(MaxSeedNodes)
                .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
                .ToImmutableList();
        return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.UniqueAddress.Address, members));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
