using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Health;
using Tide.Engine.Kube;

namespace Tide.Engine.Tests.Health;

public sealed class HealthTargetsTests
{
    private static readonly ObjectRef Web = new("apps/v1", "Deployment", "apps", "web");
    private static readonly ObjectRef Settings = new("v1", "ConfigMap", "apps", "settings");
    private static readonly ObjectRef Kept = new("v1", "Secret", "apps", "kept");
    private static readonly ObjectRef Db = new("apps/v1", "StatefulSet", "apps", "db");

    private static readonly IReadOnlyList<ChangeSetEntry> Applied =
    [
        new(Web, ChangeAction.Configured),
        new(Settings, ChangeAction.Unchanged),
        new(Kept, ChangeAction.Skipped),
        new(Db, ChangeAction.Created),
    ];

    private static KustomizationSpec Spec(bool? wait, IReadOnlyList<NamespacedObjectKindReference>? healthChecks) => new()
    {
        Interval = GoDuration.Parse("10m"),
        Prune = true,
        SourceRef = new CrossNamespaceSourceReference { Kind = "GitRepository", Name = "repo" },
        Wait = wait,
        HealthChecks = healthChecks,
    };

    private static readonly IReadOnlyList<NamespacedObjectKindReference> Listed =
    [
        new() { ApiVersion = "apps/v1", Kind = "Deployment", Namespace = "apps", Name = "web" },
        new() { Kind = "Namespace", Name = "apps" },
    ];

    [Fact]
    public void Wait_ChecksEveryAppliedObject_ButSkippedOnes_AndIgnoresHealthChecks()
    {
        Assert.Equal([Web, Settings, Db], HealthTargets.Select(Spec(true, Listed), Applied));
    }

    [Fact]
    public void HealthChecks_AreTheListedObjects_CoreGroupWhenApiVersionIsMissing()
    {
        Assert.Equal([Web, new ObjectRef("v1", "Namespace", "", "apps")], HealthTargets.Select(Spec(null, Listed), Applied));
    }

    [Fact]
    public void NeitherWaitNorHealthChecks_ChecksNothing()
    {
        Assert.Empty(HealthTargets.Select(Spec(false, null), Applied));
    }
}
