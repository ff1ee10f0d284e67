namespace Tide.Engine.Sources;

/// <summary>Sends each HTTP request (Helm repositories and charts, OCI registries, buckets) to its mirror, if
/// <see cref="UrlMirrors"/> has one.</summary>
public sealed class MirroringHandler(UrlMirrors mirrors, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && mirrors.Apply(uri.AbsoluteUri) is var mirrored && mirrored != uri.AbsoluteUri)
            request.RequestUri = new Uri(mirrored);
        return base.SendAsync(request, cancellationToken);
    }
}
