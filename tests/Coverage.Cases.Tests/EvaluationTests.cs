using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>Where a determination leaves a case.</summary>
public sealed class EvaluationTests
{
    [Fact]
    public void StatusOf_AnyLineNeedingInformation_WaitsForInformationBeforeAnyReview()
    {
        var determination = Determination(Adverse(1), Line(2, LineOutcome.InformationRequired));
        Assert.Equal(CaseStatus.PendingInformation, CaseWorkflow.StatusOf(determination));
    }

    [Fact]
    public void StatusOf_AnAdverseRecommendation_WaitsForAPhysician()
    {
        var determination = Determination(Line(1, LineOutcome.Covered), Adverse(2));
        Assert.Equal(CaseStatus.PendingPhysicianReview, CaseWorkflow.StatusOf(determination));
    }

    [Theory]
    [InlineData(LineOutcome.Covered)]
    [InlineData(LineOutcome.ExcludedByPlan)]
    [InlineData(LineOutcome.InvalidCode)]
    [InlineData(LineOutcome.NotAddressed)]
    public void StatusOf_FavourableOrAdministrativeLines_IsFinal(LineOutcome outcome) =>
        Assert.Equal(CaseStatus.Final, CaseWorkflow.StatusOf(Determination(Line(1, outcome))));

    [Fact]
    public void AfterEvaluation_AFinalResult_IsFinalAtOnceWithTheRequestOutcome()
    {
        var state = CaseWorkflow.AfterEvaluation(Id, Determination(Line(1, LineOutcome.Covered), Line(2, LineOutcome.ExcludedByPlan)), [], Now);

        Assert.Equal(CaseStatus.Final, state.Status);
        Assert.Equal("partially-covered", state.FinalOutcome);
        Assert.Equal(Now, state.FinalizedAt);
    }

    [Fact]
    public void AfterEvaluation_APendingResult_HasNoFinalOutcome_AnswersAnyRequest_AndLetsHeldLinesGo()
    {
        var decisions = new List<DecidedLine> { new(3, DecisionActions.Uphold) };
        var state = CaseWorkflow.AfterEvaluation(Id, Determination(Adverse(1), Line(2, LineOutcome.Covered)), decisions, Now);

        Assert.Equal(CaseStatus.PendingPhysicianReview, state.Status);
        Assert.Null(state.FinalOutcome);
        Assert.Null(state.FinalizedAt);
        Assert.Null(state.InformationRequest);
        Assert.Empty(state.HeldLines);
        Assert.Same(decisions, state.Decisions);
        Assert.Equal([1, 2], state.Lines.Keys);
        Assert.True(state.Lines[1].RequiresPhysicianReview);
        Assert.Equal("not-medically-necessary", state.Lines[1].Outcome);
    }

    [Fact]
    public void DueAt_Expedited_In72Hours_Standard_In7Days()
    {
        Assert.Equal(Now.AddHours(72), CaseWorkflow.DueAt(Now, RequestPriority.Expedited));
        Assert.Equal(Now.AddDays(7), CaseWorkflow.DueAt(Now, RequestPriority.Standard));
    }

    [Fact]
    public void PoliciesAndModalities_EachOnce_InLineOrder_WithoutLinesThatHaveNone()
    {
        var determination = Determination(
            Line(1, LineOutcome.Covered, policy: "tms", modality: "tms-standard"),
            Line(2, LineOutcome.Covered),
            Line(3, LineOutcome.Covered, policy: "ect", modality: "ect"),
            Line(4, LineOutcome.Covered, policy: "tms", modality: "tms-standard"));

        Assert.Equal(["tms", "ect"], CaseWorkflow.PoliciesOf(determination));
        Assert.Equal(["tms-standard", "ect"], CaseWorkflow.ModalitiesOf(determination));
    }
}
