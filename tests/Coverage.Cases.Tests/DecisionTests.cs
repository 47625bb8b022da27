using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>Who decides, which lines, how, and when a case is final.</summary>
public sealed class DecisionTests
{
    [Fact]
    public void MayDecide_APhysician() => Assert.Null(CaseWorkflow.MayDecide(Physician));

    [Fact]
    public void MayDecide_ANurse_IsForbidden_NamingTheirRole()
    {
        var refused = CaseWorkflow.MayDecide(Nurse);
        Assert.Equal(StoreErrorKind.Forbidden, refused?.Kind);
        Assert.Contains("nurse-joy is a nurse", refused!.Message);
    }

    [Fact]
    public void MayDecide_AClientsOwnToken_IsForbidden()
    {
        var refused = CaseWorkflow.MayDecide(Client);
        Assert.Equal(StoreErrorKind.Forbidden, refused?.Kind);
        Assert.Contains("a client's own token cannot decide", refused!.Message);
    }

    [Fact]
    public void Validate_NoLines_IsRefused() =>
        Assert.Equal("lines", Assert.Single(CaseWorkflow.Validate(new DecisionSubmission([]))).Field);

    [Fact]
    public void Validate_NamesEachFaultyField()
    {
        var submission = new DecisionSubmission([
            new LineDecisionInput(1, DecisionActions.Uphold, "fine"),
            new LineDecisionInput(1, "approve", " "),
            new LineDecisionInput(2, DecisionActions.Overturn, new string('x', CaseWorkflow.MaxRationaleLength + 1)),
        ]);

        var fields = CaseWorkflow.Validate(submission).Select(e => e.Field).ToList();

        Assert.Equal(["lines[1].sequence", "lines[1].action", "lines[1].rationale", "lines[2].rationale"], fields);
    }

    [Fact]
    public void Validate_ARationaleOfTheMaximumLength_IsAccepted() =>
        Assert.Empty(CaseWorkflow.Validate(new DecisionSubmission([new LineDecisionInput(1, DecisionActions.Uphold, new string('x', CaseWorkflow.MaxRationaleLength))])));

    [Fact]
    public void CheckDecisions_AFinalCase_IsAConflict()
    {
        var state = Evaluated(Line(1, LineOutcome.Covered));
        var broken = CaseWorkflow.CheckDecisions(state, Decide((1, DecisionActions.Uphold)));
        Assert.Equal(StoreErrorKind.Conflict, broken?.Kind);
        Assert.Contains("is final", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_ACaseWaitingForInformation_IsAConflict()
    {
        var state = Evaluated(Adverse(1), Line(2, LineOutcome.InformationRequired));
        var broken = CaseWorkflow.CheckDecisions(state, Decide((1, DecisionActions.Uphold)));
        Assert.Equal(StoreErrorKind.Conflict, broken?.Kind);
        Assert.Contains("waiting for information", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_ALineTheCaseDoesNotHave_IsUnprocessable()
    {
        var broken = CaseWorkflow.CheckDecisions(Evaluated(Adverse(1)), Decide((9, DecisionActions.Uphold)));
        Assert.Equal(StoreErrorKind.Unprocessable, broken?.Kind);
        Assert.Contains("has no line 9", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_ALineNotWaitingForAPhysician_IsUnprocessable()
    {
        var broken = CaseWorkflow.CheckDecisions(Evaluated(Adverse(1), Line(2, LineOutcome.Covered)), Decide((2, DecisionActions.Uphold)));
        Assert.Equal(StoreErrorKind.Unprocessable, broken?.Kind);
        Assert.Contains("Line 2 (covered) is not a medical-necessity recommendation", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_AHeldLine_IsConfirmedByUpholding_NeverOverturned()
    {
        var held = Evaluated(Adverse(1), Line(2, LineOutcome.Covered)) with { HeldLines = new HashSet<int> { 2 } };

        Assert.Null(CaseWorkflow.CheckDecisions(held, Decide((2, DecisionActions.Uphold))));
        var broken = CaseWorkflow.CheckDecisions(held, Decide((2, DecisionActions.Overturn)));
        Assert.Equal(StoreErrorKind.Unprocessable, broken?.Kind);
        Assert.Contains("was held for review", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_ALineAlreadyDecided_IsAConflict()
    {
        var state = Evaluated(Adverse(1), Adverse(2)) with { Decisions = [new DecidedLine(1, DecisionActions.Uphold)] };
        var broken = CaseWorkflow.CheckDecisions(state, Decide((2, DecisionActions.Uphold), (1, DecisionActions.Overturn)));
        Assert.Equal(StoreErrorKind.Conflict, broken?.Kind);
        Assert.Contains("Line 1 of case", broken!.Message);
    }

    [Fact]
    public void CheckDecisions_AnAdverseLine_MayBeUpheldOrOverturned()
    {
        var state = Evaluated(Adverse(1), Adverse(2));
        Assert.Null(CaseWorkflow.CheckDecisions(state, Decide((1, DecisionActions.Uphold), (2, DecisionActions.Overturn))));
    }

    [Fact]
    public void AfterDecisions_WhileALineWaits_TheCaseWaits_WithTheDecisionRecorded()
    {
        var after = CaseWorkflow.AfterDecisions(Evaluated(Adverse(1), Adverse(2)), Decide((1, DecisionActions.Uphold)), Now.AddHours(1));

        Assert.Equal(CaseStatus.PendingPhysicianReview, after.Status);
        Assert.Null(after.FinalOutcome);
        Assert.Null(after.FinalizedAt);
        Assert.Equal([new DecidedLine(1, DecisionActions.Uphold)], after.Decisions);
    }

    [Fact]
    public void AfterDecisions_TheLastLineDecided_FinalisesTheCaseThen()
    {
        var waiting = Evaluated(Adverse(1), Adverse(2)) with { Decisions = [new DecidedLine(1, DecisionActions.Uphold)] };

        var after = CaseWorkflow.AfterDecisions(waiting, Decide((2, DecisionActions.Uphold)), Now.AddHours(2));

        Assert.Equal(CaseStatus.Final, after.Status);
        Assert.Equal(Now.AddHours(2), after.FinalizedAt);
        Assert.Equal("not-covered", after.FinalOutcome);
    }

    [Fact]
    public void AfterDecisions_AHeldLine_WaitsForItsConfirmation()
    {
        var held = Evaluated(Line(1, LineOutcome.Covered), Line(2, LineOutcome.ExcludedByPlan)) with
        {
            Status = CaseStatus.PendingPhysicianReview, HeldLines = new HashSet<int> { 1, 2 }, FinalOutcome = null, FinalizedAt = null,
        };

        var halfway = CaseWorkflow.AfterDecisions(held, Decide((1, DecisionActions.Uphold)), Now);
        Assert.Equal(CaseStatus.PendingPhysicianReview, halfway.Status);

        var confirmed = CaseWorkflow.AfterDecisions(halfway, Decide((2, DecisionActions.Uphold)), Now);
        Assert.Equal(CaseStatus.Final, confirmed.Status);
        // Confirmed held lines stand as re-evaluated: one covered, one excluded.
        Assert.Equal("partially-covered", confirmed.FinalOutcome);
    }

    [Theory]
    [InlineData(DecisionActions.Overturn, DecisionActions.Overturn, "covered")]
    [InlineData(DecisionActions.Overturn, DecisionActions.Uphold, "partially-covered")]
    [InlineData(DecisionActions.Uphold, DecisionActions.Uphold, "not-covered")]
    public void FinalOutcome_AnOverturnedDenialIsApproved_AnUpheldOneStands(string first, string second, string expected)
    {
        var state = Evaluated(Adverse(1), Adverse(2)) with { Decisions = [new DecidedLine(1, first), new DecidedLine(2, second)] };
        Assert.Equal(expected, CaseWorkflow.FinalOutcome(state));
    }

    [Fact]
    public void FinalOutcome_LinesNotAddressed_DoNotCount()
    {
        var state = Evaluated(Adverse(1), Line(2, LineOutcome.NotAddressed)) with { Decisions = [new DecidedLine(1, DecisionActions.Overturn)] };
        Assert.Equal("covered", CaseWorkflow.FinalOutcome(state));
    }
}
