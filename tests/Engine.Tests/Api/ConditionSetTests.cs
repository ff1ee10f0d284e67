using Tide.Engine.Api;

namespace Tide.Engine.Tests.Api;

public sealed class ConditionSetTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Set_NewCondition_StampsTimeAndGeneration()
    {
        var time = new FakeTimeProvider(T0.AddMilliseconds(700));
        var set = new ConditionSet(null, 3, time);

        set.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, "ok");

        var ready = Assert.Single(set.ToList());
        Assert.Equal(T0, ready.LastTransitionTime);
        Assert.Equal(3, ready.ObservedGeneration);
        Assert.Equal(ConditionStatus.True, ready.Status);
    }

    [Fact]
    public void Set_SameState_KeepsTransitionTimeButUpdatesGeneration()
    {
        var time = new FakeTimeProvider(T0);
        var first = new ConditionSet(null, 1, time);
        first.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, "ok");

        time.Advance(TimeSpan.FromMinutes(5));
        var second = new ConditionSet(first.ToList(), 2, time);
        second.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, "ok");

        var ready = second.Get(ConditionTypes.Ready)!;
        Assert.Equal(T0, ready.LastTransitionTime);
        Assert.Equal(2, ready.ObservedGeneration);
    }

    [Theory]
    [InlineData(ConditionStatus.False, ConditionReasons.Succeeded, "ok")]
    [InlineData(ConditionStatus.True, ConditionReasons.Progressing, "ok")]
    [InlineData(ConditionStatus.True, ConditionReasons.Succeeded, "stored artifact for revision 'main@sha1:2'")]
    public void Set_ChangedState_MovesTransitionTime(string status, string reason, string message)
    {
        // Flux (fluxcd/pkg runtime/conditions) counts status, reason and message as the condition's state.
        var time = new FakeTimeProvider(T0);
        var set = new ConditionSet(null, 1, time);
        set.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, "ok");

        time.Advance(TimeSpan.FromMinutes(5));
        set.Set(ConditionTypes.Ready, status, reason, message);

        Assert.Equal(T0.AddMinutes(5), set.Get(ConditionTypes.Ready)!.LastTransitionTime);
    }

    [Fact]
    public void ToList_OrdersStalledReconcilingReadyThenByGenerationAndType()
    {
        var set = new ConditionSet(null, 1, new FakeTimeProvider(T0));
        set.MarkTrue(ConditionTypes.FetchFailed, ConditionReasons.GitOperationFailed, "x");
        set.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, "x");
        set.MarkFalse(ConditionTypes.Ready, ConditionReasons.GitOperationFailed, "x");
        set.MarkReconciling(ConditionReasons.ProgressingWithRetry, "x");

        Assert.Equal(
            [ConditionTypes.Reconciling, ConditionTypes.Ready, ConditionTypes.ArtifactInStorage, ConditionTypes.FetchFailed],
            set.ToList().Select(c => c.Type));
    }

    [Fact]
    public void MarkStalled_RemovesReconciling_AndMarkReconcilingRemovesStalled()
    {
        var set = new ConditionSet(null, 1, new FakeTimeProvider(T0));
        set.MarkReconciling(ConditionReasons.Progressing, "working");
        set.MarkStalled(ConditionReasons.UrlInvalid, "bad url");

        Assert.False(set.Has(ConditionTypes.Reconciling));
        Assert.True(set.IsTrue(ConditionTypes.Stalled));

        set.MarkReconciling(ConditionReasons.Progressing, "working");
        Assert.False(set.Has(ConditionTypes.Stalled));
    }

    [Fact]
    public void Set_LongMessage_IsTrimmedWithEllipsis()
    {
        var set = new ConditionSet(null, 1, new FakeTimeProvider(T0));
        set.MarkFalse(ConditionTypes.Ready, ConditionReasons.BuildFailed, new string('x', 40000));

        var message = set.Get(ConditionTypes.Ready)!.Message;
        Assert.Equal(32768, message.Length);
        Assert.EndsWith("...", message);
    }
}
