namespace Tide.Engine.Notifications.Providers;

/// <summary>Sends one event to a notification service in the service's format.</summary>
public interface INotifier
{
    /// <exception cref="NotifierException">The service refused it or could not be reached (after the retries).</exception>
    Task PostAsync(FluxEvent e, CancellationToken ct);
}
