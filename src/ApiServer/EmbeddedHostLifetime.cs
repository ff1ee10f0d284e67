using Microsoft.Extensions.Hosting;

namespace Tide.ApiServer;

/// <summary>
/// The lifetime of a web host embedded in a larger program: unlike the default console lifetime it does not take
/// over Ctrl+C and SIGTERM, so the program that embeds it decides when to stop (and stops it by disposing).
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
