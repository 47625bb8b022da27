using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec sections 1 and 9: mandate, then plan, then policy.</summary>
public class PlanTests
{
    private const string Rider = "example-fda-cryo-rider";
    private const string Exclusion = "example-ablation-exclusion";
    private const string Mandate = "example-mandate-over-exclusion";

    /// <summary>The lines of every modality in scope on 2026-05-04 (all on-label where a label applies).</summary>
    public static TheoryData<string, string?, string> EveryModality() => new()
    {
        { "0581T", null, "cryoablation" },
        { "19499", "cryoablation", "cryoablation" },
        { "0971T", null, "percutaneous-laser-ablation" },
        { "19499", "laser ablation", "percutaneous-laser-ablation" },
        { "19499", "microwave ablation", "microwave-ablation" },
        { "19499", "radiofrequency ablation", "radiofrequency-ablation" },
    };

    [Fact]
    public void Catalogue_Plans_AreTheSpecsSamplePlans()
    {
        Assert.Equal(
            ["example-ablation-exclusion", "example-fda-cryo-rider", "example-mandate-over-exclusion", "standard"],
            TestCatalogue.Catalogue.Plans.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal("standard", TestCatalogue.Catalogue.DefaultPlan.Id);
    }

    [Theory]
    [MemberData(nameof(EveryModality))]
    public void Evaluate_StandardPlan_PolicyGoverns(string code, string? description, string modality)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan("standard").Line(code, description));

        Assert.Equal(modality, line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [MemberData(nameof(EveryModality))]
    public void Evaluate_NoPlanId_UsesStandardPlanAndPolicyGoverns(string code, string? description, string modality)
    {
        var builder = new RequestBuilder().NoPlan().Line(code, description);
        Assert.Equal("standard", TestCatalogue.Request(builder.Json()).Member.PlanId);

        var line = TestCatalogue.EvaluateLine(builder);

        Assert.Equal(modality, line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [InlineData("0581T", null)]
    [InlineData("19499", "US-guided cryoablation")]
    public void Evaluate_RiderWithOnLabelCryoablation_IsCoveredByPlan(string code, string? description)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan(Rider).Line(code, description));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.Covered, line.Outcome);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
        Assert.Empty(line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(FdaLabelStatus.OnLabel, line.FdaLabel!.Status);
        Assert.Contains(line.Citations, c => c.Section == "Rider: FDA-labelled breast cryoablation");
        Assert.Equal(RequestOutcome.Covered, determination.Outcome);
        Assert.False(determination.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_RiderWithOffLabelCryoablation_PolicyGovernsAsNotMedicallyNecessary()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Rider).Fact("tumorSizeCm", 2.5));

        Assert.Equal(FdaLabelStatus.OffLabel, line.FdaLabel!.Status);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.Equal(Expect.NotMedicallyNecessary, line.ReasonCodes);
        Assert.True(line.RequiresPhysicianReview);
    }

    [Fact]
    public void Evaluate_RiderWithIndeterminateLabel_NeedsInformationM127NamingUnknownCriteria()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan(Rider)
            .Fact("adjuvantEndocrineTherapy", null).Fact("ki67Percent", null).Fact("genomicRisk", null));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("M127"), line.ReasonCodes);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(FdaLabelStatus.Indeterminate, line.FdaLabel!.Status);
        Assert.Equal(["low-proliferation", "adjuvant-endocrine-therapy"], line.FdaLabel.Unknown);
        Assert.Equal(2, line.InformationNeeded.Count);
        Assert.Contains(line.InformationNeeded, i => i.Contains("low-proliferation", StringComparison.Ordinal));
        Assert.Contains(line.InformationNeeded, i => i.Contains("adjuvant-endocrine-therapy", StringComparison.Ordinal));
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
    }

    [Fact]
    public void Evaluate_RiderWithUnknownAge_AsksForDateOfBirth()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Rider).BirthDate(null));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        var needed = Assert.Single(line.InformationNeeded);
        Assert.Contains("age-70-or-older", needed, StringComparison.Ordinal);
        Assert.Contains("date of birth", needed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Evaluate_RiderWithUnmetAndUnknownCriteria_OffLabelSoPolicyGoverns()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Rider).Fact("recurrent", true).Fact("nodalStatus", null));

        Assert.Equal(FdaLabelStatus.OffLabel, line.FdaLabel!.Status);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Fact]
    public void Evaluate_RiderWithCryoablationBeforeDeviceAuthorization_PolicyGoverns()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Rider).Date("2025-10-02"));

        Assert.Equal(FdaLabelStatus.NoAuthorizedDevice, line.FdaLabel!.Status);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [InlineData("0971T", null)]
    [InlineData("19499", "microwave ablation")]
    [InlineData("19499", "RFA")]
    public void Evaluate_RiderWithOtherModality_PolicyGoverns(string code, string? description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Rider).Line(code, description));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.True(line.RequiresPhysicianReview);
    }

    [Theory]
    [MemberData(nameof(EveryModality))]
    public void Evaluate_ExclusionPlan_ExcludesEveryModality(string code, string? description, string modality)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan(Exclusion).Line(code, description));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(modality, line.Modality);
        Assert.Equal(LineOutcome.ExcludedByPlan, line.Outcome);
        Assert.Equal(Expect.ExcludedByPlan, line.ReasonCodes);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(RequestOutcome.NotCovered, determination.Outcome);
    }

    [Theory]
    [InlineData("on-label")]
    [InlineData("off-label")]
    [InlineData("indeterminate")]
    public void Evaluate_ExclusionPlanWithCryoablation_ExcludedWhateverTheLabel(string status)
    {
        var builder = new RequestBuilder().Plan(Exclusion);
        if (status == "off-label") builder.Fact("her2Status", "positive");
        if (status == "indeterminate") builder.Fact("her2Status", null);

        var line = TestCatalogue.EvaluateLine(builder);

        Assert.Equal(status, line.FdaLabel!.Status.ToWire());
        Assert.Equal(LineOutcome.ExcludedByPlan, line.Outcome);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
    }

    [Theory]
    [InlineData("0581T", null)]
    [InlineData("19499", "cryotherapy of breast cancer")]
    public void Evaluate_MandateWithOnLabelCryoablation_IsCoveredByMandate(string code, string? description)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Plan(Mandate).Line(code, description));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.Covered, line.Outcome);
        Assert.Equal(GoverningSource.Mandate, line.GovernedBy);
        Assert.Empty(line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal(RequestOutcome.Covered, determination.Outcome);
    }

    [Fact]
    public void Evaluate_MandateWithOffLabelCryoablation_ExclusionApplies()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Mandate).BirthDate("1960-01-01"));

        Assert.Equal(FdaLabelStatus.OffLabel, line.FdaLabel!.Status);
        Assert.Equal(LineOutcome.ExcludedByPlan, line.Outcome);
        Assert.Equal(Expect.ExcludedByPlan, line.ReasonCodes);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
    }

    [Fact]
    public void Evaluate_MandateWithIndeterminateCryoablation_NeedsInformationM127UnderMandate()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Mandate).Fact("adequateBreastSize", null));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("M127"), line.ReasonCodes);
        Assert.Equal(GoverningSource.Mandate, line.GovernedBy);
        var needed = Assert.Single(line.InformationNeeded);
        Assert.Contains("adequate-breast-size", needed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0971T", null)]
    [InlineData("19499", "microwave ablation")]
    [InlineData("19499", "MWA")]
    [InlineData("19499", "radiofrequency ablation")]
    public void Evaluate_MandateWithOtherModality_ExclusionApplies(string code, string? description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(Mandate).Line(code, description));

        Assert.Equal(LineOutcome.ExcludedByPlan, line.Outcome);
        Assert.Equal(GoverningSource.Plan, line.GovernedBy);
    }

    public static TheoryData<string, string, string?, string, string, LineOutcome> LinesPlansDoNotTouch()
    {
        var data = new TheoryData<string, string, string?, string, string, LineOutcome>();
        foreach (var plan in new[] { "standard", Rider, Exclusion, Mandate })
        {
            data.Add(plan, "0971T", null, "2025-12-31", "C50.411", LineOutcome.InvalidCode);
            data.Add(plan, "0581T", null, "2019-12-31", "C50.411", LineOutcome.InvalidCode);
            data.Add(plan, "0581T", null, "2026-05-04", "D24.1", LineOutcome.InvalidCoding);
            data.Add(plan, "19120", null, "2026-05-04", "C50.411", LineOutcome.NotAddressed);
            data.Add(plan, "19499", "HIFU", "2026-05-04", "C50.411", LineOutcome.NotAddressed);
            data.Add(plan, "19499", "cryoablation", "2026-05-04", "D24.2", LineOutcome.NotAddressed);
            data.Add(plan, "0581T", null, "2024-03-14", "C50.411", LineOutcome.NotAddressed);
            data.Add(plan, "19499", "laser ablation", "2025-06-01", "C50.411", LineOutcome.NotAddressed);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LinesPlansDoNotTouch))]
    public void Evaluate_InvalidOrNotAddressedLine_SameUnderEveryPlan(
        string plan, string code, string? description, string dateOfService, string diagnosis, LineOutcome expected)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(plan).Line(code, description).Date(dateOfService).Diagnoses(diagnosis));

        Assert.Equal(expected, line.Outcome);
        Assert.Equal(Expect.ReasonCodesOf(expected), line.ReasonCodes);
        Assert.NotEqual(GoverningSource.Plan, line.GovernedBy);
        Assert.NotEqual(GoverningSource.Mandate, line.GovernedBy);
        Assert.DoesNotContain(line.Trace, t => t.StartsWith("plan:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Rider)]
    [InlineData(Exclusion)]
    [InlineData(Mandate)]
    public void Evaluate_InformationRequiredBeforePlan_SameUnderEveryPlan(string plan)
    {
        var noDescription = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(plan).Line("19499"));
        var noDiagnosis = TestCatalogue.EvaluateLine(new RequestBuilder().Plan(plan).Line("19499", "cryoablation").Diagnoses());

        Assert.Equal(Expect.InformationRequired("N350"), noDescription.ReasonCodes);
        Assert.Equal(Expect.InformationRequired("M76"), noDiagnosis.ReasonCodes);
    }
}
