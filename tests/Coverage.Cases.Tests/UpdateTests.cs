using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>PAS claim updates and cancellations (issue 16): what an update may change, and where it leaves the case.</summary>
public sealed class UpdateTests
{
    private static readonly HashSet<int> NoneCancelled = [];

    private static ServiceLine Service(int sequence, string code = "0581T", int? day = null) =>
        new() { Sequence = sequence, Code = code, DateOfService = day is { } d ? new DateOnly(2026, 5, d) : null };

    private static CoverageRequest Request(int day, params ServiceLine[] lines) => new()
    {
        Kind = RequestKind.PriorAuthorization,
        Member = new Member { Id = "M-1", PlanId = "standard" },
        DateOfService = new DateOnly(2026, 5, day),
        ServiceLines = lines,
    };

    private static LineChanges Changes(int[]? added = null, int[]? changed = null, int[]? cancelled = null) =>
        new((added ?? []).ToHashSet(), (changed ?? []).ToHashSet(), (cancelled ?? []).ToHashSet());

    [Fact]
    public void LineChanges_TellAddedFromChangedFromUnchanged()
    {
        var changes = LineChanges.Of(Request(4, Service(1), Service(2)), Request(4, Service(1), Service(2, day: 9), Service(3)), [4]);

        Assert.Equal([3], changes.Added);
        Assert.Equal([2], changes.Changed);
        Assert.Equal([4], changes.Cancelled);
    }

    [Fact]
    public void LineChanges_ALineTakingTheRequestsDate_ChangesWhenTheRequestsDateDoes() =>
        // The kit's modify update moves item 1 from 2016-08-09 to 2016-09-09; each line's own date is the request's.
        Assert.Equal([1], LineChanges.Of(Request(4, Service(1)), Request(9, Service(1)), []).Changed);

    [Fact]
    public void CheckUpdate_AddingAndChangingUndecidedLines_IsAllowed() =>
        Assert.Null(CaseWorkflow.CheckUpdate(Evaluated(Adverse(1), Line(2, LineOutcome.Covered)), Changes(added: [3], changed: [1]), NoneCancelled));

    [Fact]
    public void CheckUpdate_ChangingALineAPhysicianDecided_IsAConflict_TheDecisionStands()
    {
        var decided = CaseWorkflow.AfterDecisions(Evaluated(Adverse(1), Adverse(2)), Decide((1, DecisionActions.Uphold)), Now);

        var refused = CaseWorkflow.CheckUpdate(decided, Changes(changed: [1]), NoneCancelled);

        Assert.Equal(StoreErrorKind.Conflict, refused?.Kind);
        Assert.Contains("Line 1", refused!.Message, StringComparison.Ordinal);
        Assert.Contains("decision stands", refused.Message, StringComparison.Ordinal);
        Assert.Null(CaseWorkflow.CheckUpdate(decided, Changes(changed: [2]), NoneCancelled));
    }

    [Fact]
    public void CheckUpdate_CancellingALineAPhysicianDecided_IsAllowed()
    {
        var decided = CaseWorkflow.AfterDecisions(Evaluated(Adverse(1), Adverse(2)), Decide((1, DecisionActions.Uphold)), Now);

        Assert.Null(CaseWorkflow.CheckUpdate(decided, Changes(cancelled: [1]), NoneCancelled));
    }

    [Fact]
    public void CheckUpdate_ACancelledCase_TakesNoUpdate()
    {
        var cancelled = CaseWorkflow.Cancel(Evaluated(Adverse(1)), Now);

        var refused = CaseWorkflow.CheckUpdate(cancelled, Changes(added: [2]), NoneCancelled);

        Assert.Equal(StoreErrorKind.Conflict, refused?.Kind);
    }

    [Fact]
    public void CheckUpdate_ACancelledLineDoesNotComeBack_AndOnlyLinesOfTheCaseAreCancelled()
    {
        var state = Evaluated(Line(1, LineOutcome.Covered));

        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckUpdate(state, Changes(added: [2]), new HashSet<int> { 2 })?.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckUpdate(state, Changes(cancelled: [7]), NoneCancelled)?.Kind);
        Assert.Null(CaseWorkflow.CheckUpdate(state, Changes(cancelled: [2]), new HashSet<int> { 2 }));
    }

    [Fact]
    public void AfterUpdate_WhenEveryLineWaitingForAPhysicianIsDecided_TheCaseIsFinal()
    {
        // Line 1 was upheld; the update cancelled line 2, the other adverse line: nothing waits any more.
        var reevaluated = CaseWorkflow.AfterEvaluation(Id, Determination(Adverse(1), Line(3, LineOutcome.Covered)), [new DecidedLine(1, DecisionActions.Uphold)], Now);
        Assert.Equal(CaseStatus.PendingPhysicianReview, reevaluated.Status);

        var updated = CaseWorkflow.AfterUpdate(reevaluated, Now);

        Assert.Equal(CaseStatus.Final, updated.Status);
        Assert.Equal(Now, updated.FinalizedAt);
        Assert.Equal(CaseWorkflow.FinalOutcome(reevaluated), updated.FinalOutcome);
    }

    [Fact]
    public void AfterUpdate_AnUndecidedAdverseLine_StillWaits()
    {
        var reevaluated = CaseWorkflow.AfterEvaluation(Id, Determination(Adverse(1), Adverse(2)), [new DecidedLine(1, DecisionActions.Uphold)], Now);

        Assert.Equal(CaseStatus.PendingPhysicianReview, CaseWorkflow.AfterUpdate(reevaluated, Now).Status);
    }

    [Fact]
    public void Cancel_ADecidedCase_KeepsItsFinalOutcomeAndDecisions()
    {
        var final = CaseWorkflow.AfterDecisions(Evaluated(Adverse(1)), Decide((1, DecisionActions.Overturn)), Now);

        var cancelled = CaseWorkflow.Cancel(final, Now.AddDays(1));

        Assert.Equal(CaseStatus.Cancelled, cancelled.Status);
        Assert.Equal(final.FinalOutcome, cancelled.FinalOutcome);
        Assert.Equal(Now, cancelled.FinalizedAt);
        Assert.Equal(final.Decisions, cancelled.Decisions);
    }

    [Fact]
    public void Cancel_APendingCase_WaitsForNoOne_AndHasNoFinalOutcome()
    {
        var pending = CaseWorkflow.HoldForReview(Evaluated(Line(1, LineOutcome.Covered)), [1]);

        var cancelled = CaseWorkflow.Cancel(pending, Now);

        Assert.Equal(CaseStatus.Cancelled, cancelled.Status);
        Assert.Empty(cancelled.HeldLines);
        Assert.Null(cancelled.FinalOutcome);
        Assert.Null(cancelled.InformationRequest);
    }
}
