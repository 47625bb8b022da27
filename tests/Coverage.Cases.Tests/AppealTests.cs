using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>The appeal rules (CaseWorkflow.Appeals): what is appealed, when, who decides, and the result.</summary>
public sealed class AppealTests
{
    private static readonly Caller DrAda = new(new Actor("dr-ada", "physician"), "payer", CallerAccess.PayerStaff, new Reviewer("dr-ada", "Dr Ada", ReviewerRoles.Physician));
    private static readonly Caller DrJunior = new(new Actor("dr-junior", "physician"), "payer", CallerAccess.PayerStaff, new Reviewer("dr-junior", "Dr Junior", ReviewerRoles.Physician, ["dr-lead", "dr-ada"]));

    /// <summary>Two adverse lines and a covered one; a physician upheld line 1 and overturned line 2.</summary>
    private static CaseState Original()
    {
        var evaluated = Evaluated(Adverse(1), Adverse(2), Line(3, LineOutcome.Covered));
        return CaseWorkflow.AfterDecisions(evaluated, Decide((1, DecisionActions.Uphold), (2, DecisionActions.Overturn)), Now);
    }

    [Fact]
    public void AdverseLines_OfAFinalCase_AreTheLinesStillDenied()
    {
        Assert.Equal([1], CaseWorkflow.AdverseLines(Original()));
        Assert.Empty(CaseWorkflow.AdverseLines(Evaluated(Adverse(1))));
    }

    [Fact]
    public void CheckAppeal_WithinTheWindow_ElseUnprocessable()
    {
        Assert.Null(CaseWorkflow.CheckAppeal(Original(), isAppeal: false, hasOpenAppeal: false, [], LinesOfBusiness.Erisa, Now, 180, Now.AddDays(180)));
        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckAppeal(Original(), false, false, [], LinesOfBusiness.Erisa, Now, 180, Now.AddDays(180).AddSeconds(1))!.Kind);
        Assert.Equal(StoreErrorKind.Conflict, CaseWorkflow.CheckAppeal(Original(), false, hasOpenAppeal: true, [], LinesOfBusiness.Erisa, Now, 180, Now)!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckAppeal(Original(), isAppeal: true, false, [], LinesOfBusiness.Erisa, Now, 180, Now)!.Kind);
    }

    /// <summary>Session 38 (F4): every line of business gives one level of internal appeal; a decided appeal's result goes to external review.</summary>
    [Theory]
    [InlineData(LinesOfBusiness.Erisa, AppealResults.Upheld, "external review")]
    [InlineData(LinesOfBusiness.Erisa, AppealResults.PartiallyOverturned, "2560.503-1")]
    [InlineData(LinesOfBusiness.MedicareAdvantage, AppealResults.Upheld, "Independent Review Entity")]
    [InlineData(LinesOfBusiness.Medicaid, AppealResults.Upheld, "State fair hearing")]
    [InlineData(LinesOfBusiness.Chip, AppealResults.PartiallyOverturned, "438.402(b)")]
    [InlineData(null, AppealResults.Upheld, "external review")]
    [InlineData(LinesOfBusiness.Erisa, AppealResults.Overturned, "nothing is left to appeal")]
    [InlineData(LinesOfBusiness.MedicareAdvantage, AppealResults.Overturned, "nothing is left to appeal")]
    public void CheckAppeal_AfterTheAppealWasDecided_IsAConflict_WhateverItFound(string? lineOfBusiness, string result, string says)
    {
        var appeal = Guid.NewGuid();
        var refused = CaseWorkflow.CheckAppeal(Original(), false, false, [new DecidedAppeal(appeal, result)], lineOfBusiness, Now, 180, Now.AddDays(1));

        Assert.NotNull(refused);
        Assert.Equal(StoreErrorKind.Conflict, refused.Kind);
        Assert.Contains($"appeal {appeal} is decided ({result})", refused.Message, StringComparison.Ordinal);
        Assert.Contains(says, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppealLevels_EveryLineOfBusiness_GivesOneLevel_WithItsSource()
    {
        foreach (var line in LinesOfBusiness.All.Append(null))
        {
            var levels = AppealLevels.Of(line);
            Assert.Equal(1, levels.Levels);
            Assert.False(string.IsNullOrWhiteSpace(levels.Source));
            Assert.False(string.IsNullOrWhiteSpace(levels.NextStep));
        }
    }

    [Fact]
    public void MayDecideAppeal_NotTheOriginalDecider_NorAnyoneReportingToThem()
    {
        Assert.Equal(StoreErrorKind.Forbidden, CaseWorkflow.MayDecideAppeal(DrAda, ["dr-ada"])!.Kind);
        Assert.Contains("reports to dr-ada", CaseWorkflow.MayDecideAppeal(DrJunior, ["dr-ada"])!.Message, StringComparison.Ordinal);
        Assert.Null(CaseWorkflow.MayDecideAppeal(DrJunior, ["dr-other"]));
        Assert.Equal(StoreErrorKind.Forbidden, CaseWorkflow.MayDecideAppeal(Nurse, ["dr-other"])!.Kind);
    }

    [Fact]
    public void AfterAppealDecisions_Overturned_CoversTheAppealedLine()
    {
        var appeal = CaseWorkflow.AfterEvaluation(Guid.NewGuid(), Determination(Adverse(1), Adverse(2), Line(3, LineOutcome.Covered)), [], Now);
        var (decided, result) = CaseWorkflow.AfterAppealDecisions(appeal, Original(), new HashSet<int> { 1 }, Decide((1, DecisionActions.Overturn)), Now);

        Assert.Equal(AppealResults.Overturned, result);
        Assert.Equal(CaseStatus.Final, decided.Status);
        Assert.Equal("covered", decided.FinalOutcome);
    }

    /// <summary>A decided appeal of two adverse lines, both upheld, beside a covered line.</summary>
    private static CaseState UpheldAppeal()
    {
        var appeal = CaseWorkflow.AfterEvaluation(Guid.NewGuid(), Determination(Adverse(1), Adverse(2), Line(3, LineOutcome.Covered)), [], Now);
        var original = CaseWorkflow.AfterDecisions(Evaluated(Adverse(1), Adverse(2), Line(3, LineOutcome.Covered)), Decide((1, DecisionActions.Uphold), (2, DecisionActions.Uphold)), Now);
        var (decided, result) = CaseWorkflow.AfterAppealDecisions(appeal, original, new HashSet<int> { 1, 2 }, Decide((1, DecisionActions.Uphold), (2, DecisionActions.Uphold)), Now);
        Assert.Equal(AppealResults.Upheld, result);
        return decided;
    }

    [Fact]
    public void ExternalReview_Overturned_CoversEveryLineTheAppealLeftAdverse()
    {
        var appeal = UpheldAppeal();
        var overturned = CaseWorkflow.LinesOverturnedBy(appeal, new ExternalReviewSubmission("IRO", AppealResults.Overturned));

        Assert.Equal([1, 2], overturned);
        Assert.Equal("partially-covered", appeal.FinalOutcome);
        Assert.Equal("covered", CaseWorkflow.AfterExternalReview(appeal, overturned).FinalOutcome);
        Assert.Empty(CaseWorkflow.LinesOverturnedBy(appeal, new ExternalReviewSubmission("IRO", AppealResults.Upheld)));
    }

    [Fact]
    public void ExternalReview_PartiallyOverturned_CoversTheLinesItNames_AndOnlyLinesLeftAdverse()
    {
        var appeal = UpheldAppeal();
        var partial = new ExternalReviewSubmission("IRO", AppealResults.PartiallyOverturned, Lines: [2]);

        Assert.Null(CaseWorkflow.CheckExternalReview(appeal, true, AppealResults.Upheld, Now, null, partial));
        var after = CaseWorkflow.AfterExternalReview(appeal, CaseWorkflow.LinesOverturnedBy(appeal, partial));
        Assert.Equal("partially-covered", after.FinalOutcome);

        var notAdverse = CaseWorkflow.CheckExternalReview(appeal, true, AppealResults.Upheld, Now, null, partial with { Lines = [3] });
        Assert.Equal(StoreErrorKind.Unprocessable, notAdverse!.Kind);
        Assert.Contains("Line 3 is not a line", notAdverse.Message, StringComparison.Ordinal);
        var all = CaseWorkflow.CheckExternalReview(appeal, true, AppealResults.Upheld, Now, null, partial with { Lines = [1, 2] });
        Assert.Contains("record it as overturned", all!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalReview_LinesOnlyWithAPartialReversal()
    {
        Assert.Equal("lines", Assert.Single(CaseWorkflow.Validate(new ExternalReviewSubmission("IRO", AppealResults.PartiallyOverturned))).Field);
        Assert.Equal("lines", Assert.Single(CaseWorkflow.Validate(new ExternalReviewSubmission("IRO", AppealResults.Overturned, Lines: [1]))).Field);
        Assert.Equal("lines", Assert.Single(CaseWorkflow.Validate(new ExternalReviewSubmission("IRO", Lines: [1]))).Field);
        Assert.Empty(CaseWorkflow.Validate(new ExternalReviewSubmission("IRO", AppealResults.PartiallyOverturned, Lines: [1])));
    }

    [Fact]
    public void AppealResult_MixedDecisions_IsPartiallyOverturned()
    {
        Assert.Equal(AppealResults.PartiallyOverturned, AppealResults.Of([DecisionActions.Overturn, DecisionActions.Uphold]));
        Assert.Equal(AppealResults.Upheld, AppealResults.Of([DecisionActions.Uphold]));
    }

    [Fact]
    public void Metrics_EvenCount_MedianIsTheMeanOfTheTwoMiddleTimes()
    {
        static ReportedCase Decided(double hours, string outcome) => new(Guid.NewGuid(), "standard", Now, Now.AddHours(hours), outcome, false, false, false, []);

        var metrics = PriorAuthorizationMetrics.Metrics([Decided(1, "covered"), Decided(2, "not-covered"), Decided(10, "covered"), Decided(30, "partially-covered")]);

        Assert.Equal(6, metrics.MedianHoursToDecision);
        Assert.Equal(10.75, metrics.AverageHoursToDecision);
        Assert.Equal(75m, metrics.PercentApproved);
        Assert.Equal(25m, metrics.PercentDenied);
    }
}
