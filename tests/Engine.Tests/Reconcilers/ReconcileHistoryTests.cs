using Tide.Engine.Reconcilers;

namespace Tide.Engine.Tests.Reconcilers;

public sealed class ReconcileHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Meta = new() { ["revision"] = "main@sha1:1" };

    [Fact]
    public void Record_SameBuildUpdatesItsSnapshot_NewBuildGoesFirst_AtMostFive()
    {
        var history = ReconcileHistory.Record(null, "sha256:a", T0, T0.AddMilliseconds(1500.4), "ReconciliationSucceeded", Meta);
        history = ReconcileHistory.Record(history, "sha256:a", T0.AddMinutes(1), T0.AddMinutes(1).AddSeconds(2), "ReconciliationFailed", Meta);

        var only = Assert.Single(history);
        Assert.Equal(2, only.TotalReconciliations);
        Assert.Equal(T0.AddSeconds(1), only.FirstReconciled); // when the first reconcile finished, in whole seconds
        Assert.Equal(T0.AddMinutes(1).AddSeconds(2), only.LastReconciled);
        Assert.Equal("ReconciliationFailed", only.LastReconciledStatus);
        Assert.Equal(TimeSpan.FromSeconds(2), only.LastReconciledDuration.Value);

        foreach (var digest in new[] { "b", "c", "d", "e", "f" })
            history = ReconcileHistory.Record(history, "sha256:" + digest, T0, T0, "ReconciliationSucceeded", Meta);
        Assert.Equal(["sha256:f", "sha256:e", "sha256:d", "sha256:c", "sha256:b"], history.Select(h => h.Digest));
    }

    [Fact]
    public void DigestOf_DependsOnContentAndOrder()
    {
        var a = new System.Text.Json.Nodes.JsonObject { ["kind"] = "A" };
        var b = new System.Text.Json.Nodes.JsonObject { ["kind"] = "B" };
        Assert.Equal(ReconcileHistory.DigestOf([a, b]), ReconcileHistory.DigestOf([a.DeepClone().AsObject(), b.DeepClone().AsObject()]));
        Assert.NotEqual(ReconcileHistory.DigestOf([a, b]), ReconcileHistory.DigestOf([b, a]));
        Assert.StartsWith("sha256:", ReconcileHistory.DigestOf([a]));
    }
}
