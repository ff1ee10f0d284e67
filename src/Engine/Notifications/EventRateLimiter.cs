using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Notifications;

/// <summary>
/// Drops an event equal to one let through within the interval, as notification-controller's event server does:
/// equal means the same object (kind, namespace, name), message, and origin revision, revision and token metadata.
/// </summary>
public sealed class EventRateLimiter(TimeSpan interval, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Whether <paramref name="e"/> may go out now (and, if so, remembers it).</summary>
    public bool TryAcquire(FluxEvent e)
    {
        var key = Key(e);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_sent.TryGetValue(key, out var last) && now - last < interval)
                return false;
            _sent[key] = now;
            if (_sent.Count > 10_000)
                foreach (var stale in _sent.Where(s => now - s.Value >= interval).Select(s => s.Key).ToList())
                    _sent.Remove(stale);
            return true;
        }
    }

    private static string Key(FluxEvent e)
    {
        var o = e.InvolvedObject;
        var parts = new List<string> { "event", "name=" + o.Name, "namespace=" + o.Namespace, "kind=" + o.Kind, "message=" + e.Message };
        foreach (var (key, label) in new[] { ("originRevision", "originRevision"), ("revision", "revision"), ("token", "token") })
            if (e.Metadata.TryGetValue($"{o.Group}/{key}", out var value))
                parts.Add($"{label}={value}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('/', parts))));
    }
}
