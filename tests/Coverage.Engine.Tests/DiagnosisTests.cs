using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 5: is the target a malignant breast tumor (C50.*, C79.81, D05.*)?</summary>
public class DiagnosisTests
{
    [Theory]
    [InlineData("C50.011")]   // female, nipple and areola, right
    [InlineData("C50.929")]   // unspecified site, unspecified male breast
    [InlineData("C50.421")]   // upper-outer quadrant, right male breast
    [InlineData("C50.411")]
    [InlineData("C50011")]
    [InlineData("c50.929")]
    [InlineData("c50421")]
    [InlineData("C79.81")]
    [InlineData("C7981")]
    [InlineData("c79.81")]
    [InlineData("D05.10")]
    [InlineData("D05.90")]
    [InlineData("D0590")]
    [InlineData("d05.10")]
    public void Evaluate_UnlistedCryoablationWithMalignantBreastDiagnosis_PolicyApplies(string diagnosis)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "cryoablation").Diagnoses(diagnosis));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal("cryoablation", line.Modality);
        Assert.Contains(line.Trace, t => t.StartsWith("diagnosis:", StringComparison.Ordinal) && t.Contains("is a malignant breast tumor", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("C50.011")]
    [InlineData("C50.421")]
    [InlineData("C79.81")]
    [InlineData("D05.10")]
    [InlineData("d0590")]
    public void Evaluate_0581TWithMalignantBreastDiagnosis_PolicyApplies(string diagnosis)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses(diagnosis));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Theory]
    [InlineData("D24.1")]
    [InlineData("D24.2")]
    [InlineData("N60.11")]
    [InlineData("C79.8")]
    [InlineData("C79.89")]
    [InlineData("C79.51")]
    [InlineData("C43.5")]
    [InlineData("D06.9")]
    [InlineData("Z17.0")]
    public void Evaluate_0581TWithOnlyOtherDiagnoses_IsInvalidCoding(string diagnosis)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Diagnoses(diagnosis));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InvalidCoding, line.Outcome);
        Assert.Equal(Expect.InvalidCoding, line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.Null(line.FdaLabel);
        Assert.Equal(RequestOutcome.NotCovered, determination.Outcome);
    }

    [Fact]
    public void Evaluate_0971TWithOnlyBenignDiagnosis_IsInvalidCoding()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("0971T").Diagnoses("D24.1"));

        Assert.Equal(LineOutcome.InvalidCoding, line.Outcome);
        Assert.Equal(Expect.InvalidCoding, line.ReasonCodes);
    }

    [Fact]
    public void Evaluate_0581TWithoutDiagnoses_IsDecidedUnderPolicy()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses());

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(Expect.NotMedicallyNecessary, line.ReasonCodes);
    }

    [Fact]
    public void Evaluate_0581TWithoutDiagnosesField_IsDecidedUnderPolicy()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Remove("diagnoses"));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Theory]
    [InlineData("D24.1", "C50.411")]
    [InlineData("C50.411", "D24.1")]
    [InlineData("Z17.0", "N63.10", "D05.10")]
    public void Evaluate_0581TWithBenignAndMalignantDiagnoses_PolicyApplies(params string[] diagnoses)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses(diagnoses));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Theory]
    [InlineData("D24.2")]
    [InlineData("D24.1")]
    [InlineData("C79.89")]
    public void Evaluate_UnlistedCryoablationOfOtherTarget_IsNotAddressed(string diagnosis)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", "cryoablation").Diagnoses(diagnosis));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Empty(line.ReasonCodes);
        Assert.Null(line.GovernedBy);
        Assert.Null(line.FdaLabel);
        Assert.Equal(RequestOutcome.NotAddressed, determination.Outcome);
    }

    [Fact]
    public void Evaluate_UnlistedCryoablationWithoutDiagnoses_NeedsInformationM76()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", "cryoablation").Diagnoses());

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("M76"), line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.Contains(line.InformationNeeded, i => i.Contains("diagnosis", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
    }

    [Fact]
    public void Evaluate_C79Point81_MatchesExactly()
    {
        Assert.Equal(LineOutcome.NotMedicallyNecessary, TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses("C79.81")).Outcome);
        Assert.Equal(LineOutcome.InvalidCoding, TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses("C79.8")).Outcome);
        Assert.Equal(LineOutcome.InvalidCoding, TestCatalogue.EvaluateLine(new RequestBuilder().Diagnoses("C79.89")).Outcome);
    }

    [Fact]
    public void Catalogue_Condition_IsTheSpecsValueSet()
    {
        var condition = TestCatalogue.Catalogue.FindPolicy("0540")!.Condition!;

        Assert.True(condition.Contains("C50011"));
        Assert.True(condition.Contains("C7981"));
        Assert.True(condition.Contains("D0510"));
        Assert.False(condition.Contains("C798"));
        Assert.False(condition.Contains("C7989"));
        Assert.False(condition.Contains("D241"));
        Assert.False(condition.Contains("D06"));
    }
}
