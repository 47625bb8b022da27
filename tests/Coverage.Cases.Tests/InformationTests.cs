using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>Waiting for information, adding it, and the lines a re-evaluation holds for a physician.</summary>
public sealed class InformationTests
{
    private static readonly HashSet<int> Described = [2];

    [Fact]
    public void MayAddInformation_OnlyToACaseWaitingForIt()
    {
        Assert.Null(CaseWorkflow.MayAddInformation(Evaluated(Line(1, LineOutcome.InformationRequired))));
        var refused = CaseWorkflow.MayAddInformation(Evaluated(Adverse(1)));
        Assert.Equal(StoreErrorKind.Conflict, refused?.Kind);
        Assert.Contains("is pending-physician-review, not waiting for information", refused!.Message);
    }

    [Fact]
    public void HeadedToReview_WhenAReviewerAskedForTheInformation()
    {
        var asked = Evaluated(Line(1, LineOutcome.Covered)) with { Status = CaseStatus.PendingInformation, InformationRequest = "the MRI report" };
        Assert.True(CaseWorkflow.HeadedToReview(asked));
    }

    [Fact]
    public void HeadedToReview_WhenALineWasAnAdverseRecommendation() =>
        Assert.True(CaseWorkflow.HeadedToReview(Evaluated(Adverse(1), Line(2, LineOutcome.InformationRequired))));

    [Fact]
    public void HeadedToReview_NotWhenTheEngineOnlyAskedForInformation() =>
        Assert.False(CaseWorkflow.HeadedToReview(Evaluated(Line(1, LineOutcome.Covered), Line(2, LineOutcome.InformationRequired))));

    [Fact]
    public void LinesToHold_DescribedLinesNowFinalWithoutReview_OnACaseHeadedToReview()
    {
        var reevaluated = Determination(Line(1, LineOutcome.Covered), Line(2, LineOutcome.Covered));
        Assert.Equal([2], CaseWorkflow.LinesToHold(headedToReview: true, reevaluated, Described));
    }

    [Fact]
    public void LinesToHold_NoneWhenTheCaseWasNotHeadedToReview()
    {
        var reevaluated = Determination(Line(1, LineOutcome.Covered), Line(2, LineOutcome.Covered));
        Assert.Empty(CaseWorkflow.LinesToHold(headedToReview: false, reevaluated, Described));
    }

    [Fact]
    public void LinesToHold_NoneWhenTheCaseStillWaitsForInformation()
    {
        var reevaluated = Determination(Line(1, LineOutcome.InformationRequired), Line(2, LineOutcome.Covered));
        Assert.Empty(CaseWorkflow.LinesToHold(headedToReview: true, reevaluated, Described));
    }

    [Fact]
    public void LinesToHold_NotALineThatGoesToAPhysicianAnyway()
    {
        var reevaluated = Determination(Line(1, LineOutcome.Covered), Adverse(2));
        Assert.Empty(CaseWorkflow.LinesToHold(headedToReview: true, reevaluated, Described));
    }

    [Fact]
    public void HoldForReview_WaitsForAPhysician_WithNothingFinal()
    {
        var final = Evaluated(Line(1, LineOutcome.Covered), Line(2, LineOutcome.Covered));
        Assert.Equal(CaseStatus.Final, final.Status);

        var held = CaseWorkflow.HoldForReview(final, [2]);

        Assert.Equal(CaseStatus.PendingPhysicianReview, held.Status);
        Assert.Equal([2], held.HeldLines);
        Assert.Null(held.FinalOutcome);
        Assert.Null(held.FinalizedAt);
    }

    [Fact]
    public void MayRequestInformation_ANurseOrAPhysician_NotAClient()
    {
        Assert.Null(CaseWorkflow.MayRequestInformation(Nurse));
        Assert.Null(CaseWorkflow.MayRequestInformation(Physician));
        Assert.Equal(StoreErrorKind.Forbidden, CaseWorkflow.MayRequestInformation(Client)?.Kind);
    }

    [Theory]
    [InlineData("  ", "required: what information is needed, and from whom")]
    [InlineData(null, "at most 2000 characters (2001 given)")]
    public void Validate_AnInformationRequestNamesWhatIsNeeded_Briefly(string? needed, string message)
    {
        var error = Assert.Single(CaseWorkflow.Validate(new InformationRequestSubmission(needed ?? new string('x', 2001))));
        Assert.Equal("needed", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WaitForInformation_ACaseWaitingForAPhysician_KeepsTheRequest_AndLetsHeldLinesGo()
    {
        var held = Evaluated(Adverse(1), Line(2, LineOutcome.Covered)) with { HeldLines = new HashSet<int> { 2 } };

        var waiting = CaseWorkflow.WaitForInformation(held, new InformationRequestSubmission("  The MRI report, from the ordering physician. "));

        Assert.Null(waiting.Error);
        Assert.Equal(CaseStatus.PendingInformation, waiting.Value!.Status);
        Assert.Equal("The MRI report, from the ordering physician.", waiting.Value.InformationRequest);
        Assert.Empty(waiting.Value.HeldLines);
    }

    [Fact]
    public void WaitForInformation_AnyOtherCase_IsAConflict()
    {
        var refused = CaseWorkflow.WaitForInformation(Evaluated(Line(1, LineOutcome.Covered)), new InformationRequestSubmission("notes"));
        Assert.Equal(StoreErrorKind.Conflict, refused.Error?.Kind);
        Assert.Contains("is final; only a case waiting for physician review or for information", refused.Error!.Message);
    }

    [Fact]
    public void WaitForInformation_ACaseAlreadyWaitingForInformation_StaysSo_WithTheReviewersRequest()
    {
        var waiting = CaseWorkflow.WaitForInformation(Evaluated(Line(1, LineOutcome.InformationRequired)), new InformationRequestSubmission("Complete the questionnaire."));

        Assert.Null(waiting.Error);
        Assert.Equal(CaseStatus.PendingInformation, waiting.Value!.Status);
        Assert.Equal("Complete the questionnaire.", waiting.Value.InformationRequest);
    }
}
