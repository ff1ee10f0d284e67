namespace Tide.Testing;

/// <summary>Waits for a condition that a reconciling system reaches eventually, failing with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await observe();
            if (done(last))
                return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}; last saw: {last}");
            await Task.Delay(200);
        }
    }
}
