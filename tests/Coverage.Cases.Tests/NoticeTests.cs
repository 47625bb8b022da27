using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>A notice exists only for a denial a physician upheld.</summary>
public sealed class NoticeTests
{
    private static readonly CaseState Decided = Evaluated(Adverse(1), Adverse(2), Adverse(3), Line(4, LineOutcome.Covered)) with
    {
        HeldLines = new HashSet<int> { 4 },
        Decisions = [new DecidedLine(1, DecisionActions.Uphold), new DecidedLine(2, DecisionActions.Overturn), new DecidedLine(4, DecisionActions.Uphold)],
    };

    [Fact]
    public void AnUpheldDenial_HasANotice() => Assert.True(CaseWorkflow.HasNotice(Decided, 1));

    [Fact]
    public void AnOverturnedDenial_HasNone() => Assert.False(CaseWorkflow.HasNotice(Decided, 2));

    [Fact]
    public void AnUndecidedDenial_HasNone() => Assert.False(CaseWorkflow.HasNotice(Decided, 3));

    [Fact]
    public void AConfirmedHeldLine_HasNone() => Assert.False(CaseWorkflow.HasNotice(Decided, 4));

    [Fact]
    public void ALineTheCaseDoesNotHave_HasNone() => Assert.False(CaseWorkflow.HasNotice(Decided, 9));
}
