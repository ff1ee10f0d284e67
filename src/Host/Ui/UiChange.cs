using Tide.Host.Cli;

namespace Tide.Host.Ui;

/// <summary>What the UI's event stream tells open pages.</summary>
public abstract record UiChange
{
    private UiChange()
    {
    }

    /// <summary>The event's name on the stream.</summary>
    public abstract string Name { get; }

    public sealed record Upserted(StatusRow Row) : UiChange
    {
        public override string Name => "upsert";
    }

    public sealed record Deleted(StatusRow Row) : UiChange
    {
        public override string Name => "delete";
    }

    /// <summary>The set of served kinds changed (a CRD was installed).</summary>
    public sealed record KindsChanged(IReadOnlyList<FluxKind> Kinds) : UiChange
    {
        public override string Name => "kinds";
    }
}
