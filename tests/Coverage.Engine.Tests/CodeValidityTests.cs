using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 3: code validity on the date of service, checked before anything else.</summary>
public class CodeValidityTests
{
    [Theory]
    [InlineData("2025-10-15")]
    [InlineData("2025-12-31")]
    public void Evaluate_0971TBeforeItsEffectiveDate_IsInvalidCode(string dateOfService)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Date(dateOfService).Line("0971T"));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
        Assert.Equal(Expect.InvalidCode, line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.False(determination.RequiresPhysicianReview);
        Assert.Null(line.FdaLabel);
        Assert.Contains("2026-01-01", line.Rationale, StringComparison.Ordinal);
        // The code's source in the catalogue ends with a period; the rationale's sentence does not double it.
        Assert.DoesNotContain("..", line.Rationale, StringComparison.Ordinal);
        Assert.Contains(line.Citations, c => c.Section == "Coding Information, note 2");
        Assert.Equal(RequestOutcome.NotCovered, determination.Outcome);
    }

    [Fact]
    public void Evaluate_0971TOnItsEffectiveDate_IsValidLaserAblation()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2026-01-01").Line("0971T"));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal("percutaneous-laser-ablation", line.Modality);
        Assert.Equal("2025-10-15", line.Policy?.Version);
        Assert.Equal(Expect.NotMedicallyNecessary, line.ReasonCodes);
        Assert.True(line.RequiresPhysicianReview);
        Assert.Contains(line.Trace, t => t.StartsWith("code-validity:", StringComparison.Ordinal) && t.Contains("is valid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2019-12-31")]
    [InlineData("2019-01-01")]
    public void Evaluate_0581TBeforeItsEffectiveDate_IsInvalidCodeEvenWithoutPolicyVersion(string dateOfService)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService));

        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
        Assert.Equal(Expect.InvalidCode, line.ReasonCodes);
        Assert.Null(line.Policy);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Contains("2020-01-01", line.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_0581TValidButBeforeFirstVersion_IsNotAddressed()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2020-01-01"));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Null(line.Policy);
        Assert.Empty(line.ReasonCodes);
    }

    [Fact]
    public void Evaluate_CodeValidityCheckedFirst_InvalidCodeWinsOverBenignDiagnosis()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-12-31").Line("0971T").Diagnoses("D24.1"));

        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
        Assert.StartsWith("code-validity:", line.Trace[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InvalidCodeUnderCoveringPlan_IsStillInvalidCode()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-12-31").Line("0971T").Plan("example-mandate-over-exclusion"));

        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
        Assert.Equal(Expect.InvalidCode, line.ReasonCodes);
    }

    [Fact]
    public void Read_LowerCaseCode_IsAcceptedAndNormalised()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Line("0581t").Json());

        Assert.Equal("0581T", Assert.Single(request.ServiceLines).Code);
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("0581t"));
        Assert.Equal("0581T", line.Code);
        Assert.Equal("cryoablation", line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Fact]
    public void Evaluate_LowerCase0581TBeforeEffectiveDate_IsInvalidCode()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2019-12-31").Line("0581t"));

        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
    }

    [Theory]
    [InlineData("1990-01-01")]
    [InlineData("2026-05-04")]
    public void Evaluate_LongStandingUnlistedCode_IsNeverInvalid(string dateOfService)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService).Line("19499", "cryoablation"));

        Assert.NotEqual(LineOutcome.InvalidCode, line.Outcome);
    }
}
