using System.Threading.Channels;
using Tide.Host.Cli;

namespace Tide.Host.Ui;

/// <summary>An open page's view of the <see cref="FluxObjectCache"/>: the served kinds and rows when it subscribed,
/// then every change. Disposing it ends the changes.</summary>
public sealed class UiSubscription(IReadOnlyList<FluxKind> served, IReadOnlyList<StatusRow> rows, ChannelReader<UiChange> changes,
    Action unsubscribe) : IDisposable
{
    public IReadOnlyList<FluxKind> Served { get; } = served;

    public IReadOnlyList<StatusRow> Rows { get; } = rows;

    /// <summary>Ends when the page fell too far behind (it then reconnects for a fresh snapshot) or on dispose.</summary>
    public ChannelReader<UiChange> Changes { get; } = changes;

    public void Dispose() => unsubscribe();
}
