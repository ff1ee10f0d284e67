namespace Tide.Actors.Handlers;

/// <summary>A per-node bound on concurrent work of one stage (fetch, apply), so one slow stage never starves the rest.</summary>
public sealed class StageLimiter(int concurrency)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, concurrency));

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            _slots.Release();
        }
    }
}
