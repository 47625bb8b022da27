using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using static Coverage.Cases.Tests.Cases;

namespace Coverage.Cases.Tests;

/// <summary>The decision clocks of each line of business (DecisionClocks) and the clock's rules (CaseWorkflow.Clocks).</summary>
public sealed class ClockTests
{
    [Theory]
    [InlineData(LinesOfBusiness.MedicareAdvantage, false, false, 7 * 24, 14)]
    [InlineData(LinesOfBusiness.Medicaid, false, true, 72, 14)]
    [InlineData(LinesOfBusiness.Chip, true, false, 30 * 24, 14)]
    [InlineData(LinesOfBusiness.Erisa, false, false, 15 * 24, 15)]
    [InlineData(LinesOfBusiness.Erisa, false, true, 72, null)]
    [InlineData(LinesOfBusiness.Erisa, true, false, 30 * 24, null)]
    [InlineData(LinesOfBusiness.Erisa, true, true, 72, null)]
    [InlineData(null, false, false, 7 * 24, null)]
    [InlineData(null, true, true, 72, null)]
    public void For_LineOfBusiness_GivesTheRegulationsTimeframeAndExtension(string? lineOfBusiness, bool appeal, bool expedited, int hours, int? extensionDays)
    {
        var clock = DecisionClocks.For(lineOfBusiness, expedited ? RequestPriority.Expedited : RequestPriority.Standard, appeal);

        Assert.Equal(TimeSpan.FromHours(hours), clock.Timeframe);
        Assert.Equal(extensionDays is { } d ? TimeSpan.FromDays(d) : null, clock.MaxExtension);
        Assert.False(string.IsNullOrWhiteSpace(clock.Source));
    }

    [Fact]
    public void For_OnlyErisaStandardPreService_PausesForInformation()
    {
        Assert.True(DecisionClocks.For(LinesOfBusiness.Erisa, RequestPriority.Standard, appeal: false).PausesForInformation);
        Assert.False(DecisionClocks.For(LinesOfBusiness.Erisa, RequestPriority.Expedited, appeal: false).PausesForInformation);
        Assert.False(DecisionClocks.For(LinesOfBusiness.MedicareAdvantage, RequestPriority.Standard, appeal: false).PausesForInformation);
        Assert.False(DecisionClocks.For(LinesOfBusiness.Erisa, RequestPriority.Standard, appeal: true).PausesForInformation);
    }

    [Fact]
    public void ClockAfter_PausedThenResumed_MovesTheDueTimeByThePause()
    {
        var rules = DecisionClocks.For(LinesOfBusiness.Erisa, RequestPriority.Standard, appeal: false);
        var clock = new CaseClock(Now.AddDays(15), null, null);

        var paused = CaseWorkflow.ClockAfter(clock, CaseStatus.PendingInformation, rules, Now.AddDays(2));
        var resumed = CaseWorkflow.ClockAfter(paused, CaseStatus.PendingPhysicianReview, rules, Now.AddDays(5).AddHours(6));

        Assert.Equal(Now.AddDays(2), paused.PausedAt);
        Assert.False(CaseWorkflow.IsOverdue(CaseStatus.PendingInformation, paused, Now.AddDays(30)));
        Assert.Equal(Now.AddDays(18).AddHours(6), resumed.DueAt);
        Assert.Null(resumed.PausedAt);
    }

    [Fact]
    public void IsOverdue_OpenAndPastDue_NotFinalOrCancelled()
    {
        var clock = new CaseClock(Now, null, null);

        Assert.True(CaseWorkflow.IsOverdue(CaseStatus.PendingPhysicianReview, clock, Now.AddSeconds(1)));
        Assert.False(CaseWorkflow.IsOverdue(CaseStatus.PendingPhysicianReview, clock, Now));
        Assert.False(CaseWorkflow.IsOverdue(CaseStatus.Final, clock, Now.AddDays(1)));
        Assert.False(CaseWorkflow.IsOverdue(CaseStatus.Cancelled, clock, Now.AddDays(1)));
    }

    [Fact]
    public void CheckExtension_OnceWithinTheMaximumBeforeTheDueTime()
    {
        var rules = DecisionClocks.For(LinesOfBusiness.MedicareAdvantage, RequestPriority.Standard, appeal: false);
        var clock = new CaseClock(Now.AddDays(7), null, null);
        var fourteen = new ExtensionSubmission(14, "Records needed.");

        Assert.Null(CaseWorkflow.CheckExtension(Id, CaseStatus.PendingPhysicianReview, clock, rules, fourteen, Now));
        Assert.Equal(Now.AddDays(21), CaseWorkflow.Extend(clock, fourteen, Now).DueAt);
        Assert.Equal(StoreErrorKind.Conflict, CaseWorkflow.CheckExtension(Id, CaseStatus.PendingPhysicianReview, clock with { ExtendedAt = Now }, rules, fourteen, Now)!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckExtension(Id, CaseStatus.PendingPhysicianReview, clock, rules, fourteen with { Days = 15 }, Now)!.Kind);
        Assert.Equal(StoreErrorKind.Unprocessable, CaseWorkflow.CheckExtension(Id, CaseStatus.PendingPhysicianReview, clock, rules, fourteen, Now.AddDays(8))!.Kind);
        Assert.Equal(StoreErrorKind.Conflict, CaseWorkflow.CheckExtension(Id, CaseStatus.Final, clock, rules, fourteen, Now)!.Kind);
    }
}
