using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 2: the version applied is the latest whose effective date is on or before the date of service.</summary>
public class PolicyVersionTests
{
    [Theory]
    [InlineData("2024-03-15", "2024-03-15")]
    [InlineData("2024-12-31", "2024-03-15")]
    [InlineData("2025-04-14", "2024-03-15")]
    [InlineData("2025-04-15", "2025-04-15")]
    [InlineData("2025-10-14", "2025-04-15")]
    [InlineData("2025-10-15", "2025-10-15")]
    [InlineData("2026-03-14", "2025-10-15")]
    [InlineData("2026-03-15", "2026-03-15")]
    [InlineData("2027-03-15", "2026-03-15")]
    public void Evaluate_DateOfServiceOnOrAfterAnEffectiveDate_AppliesLatestVersionInEffect(string dateOfService, string expectedVersion)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService).Line("19499", "cryoablation"));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.NotNull(line.Policy);
        Assert.Equal("0540", line.Policy.Id);
        Assert.Equal(expectedVersion, line.Policy.Version);
        Assert.Equal("Ablative Treatments for Malignant Breast Tumors", line.Policy.Title);
        Assert.Contains(line.Citations, c => c.Section == "Coverage Policy");
    }

    [Theory]
    [InlineData("2024-03-15", "2024-03-15")]
    [InlineData("2025-04-15", "2025-04-15")]
    [InlineData("2025-10-14", "2025-04-15")]
    [InlineData("2026-03-15", "2026-03-15")]
    public void Evaluate_Cryoablation0581T_ReportsVersionInEffect(string dateOfService, string expectedVersion)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService));

        Assert.Equal(expectedVersion, line.Policy?.Version);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [InlineData("2024-03-14")]
    [InlineData("2023-06-01")]
    [InlineData("2020-01-01")]
    public void Evaluate_DateBeforeFirstVersion_IsNotAddressedWithoutPolicy(string dateOfService)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Date(dateOfService).Line("19499", "cryoablation"));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Null(line.Policy);
        Assert.Null(line.GovernedBy);
        Assert.Null(line.FdaLabel);
        Assert.Empty(line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Contains("before the earliest version", line.Rationale, StringComparison.Ordinal);
        Assert.Contains("2024-03-15", line.Rationale, StringComparison.Ordinal);
        Assert.Equal(RequestOutcome.NotAddressed, determination.Outcome);
    }

    [Fact]
    public void Evaluate_0581TDayBeforeFirstVersion_IsNotAddressedBecauseNoVersion()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2024-03-14"));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Null(line.Policy);
        Assert.Contains(line.Trace, t => t.StartsWith("policy-version:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-03-15")]
    [InlineData("2026-12-31")]
    [InlineData("2027-03-15")]
    public void Evaluate_OnOrBeforeNextReviewDate_HasNoWarning(string dateOfService)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Date(dateOfService));

        Assert.Empty(determination.Warnings);
    }

    [Theory]
    [InlineData("2027-03-16")]
    [InlineData("2027-12-31")]
    public void Evaluate_AfterNextReviewDate_UsesLatestVersionAndWarnsPastReview(string dateOfService)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Date(dateOfService));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal("2026-03-15", line.Policy?.Version);
        var warning = Assert.Single(determination.Warnings);
        Assert.Contains("review", warning, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("2027-03-15", warning, StringComparison.Ordinal);
        Assert.Contains("0540", warning, StringComparison.Ordinal);
        Assert.Contains(line.Trace, t => t.Contains("past its next review date", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_LaserAddedByFocusedReview_RationaleQuotesStatementOfThatVersion()
    {
        var before = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-10-14").Line("19499", "microwave ablation"));
        var after = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-10-15").Line("19499", "microwave ablation"));

        Assert.DoesNotContain("Percutaneous laser ablation", before.Rationale, StringComparison.Ordinal);
        Assert.Contains("Percutaneous laser ablation", after.Rationale, StringComparison.Ordinal);
    }
}
