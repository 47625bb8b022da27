using System.Text.Json.Nodes;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 7: the FDA label assessment of cryoablation lines, in three-valued logic.</summary>
public class FdaLabelTests
{
    // The default request (RequestBuilder) meets every criterion: member born 1950-03-01, date of service 2026-05-04.

    /// <summary>For each criterion id, a change to the on-label request that makes that criterion, and only it, unmet.</summary>
    private static readonly Dictionary<string, Action<RequestBuilder>> MakeUnmet = new(StringComparer.Ordinal)
    {
        ["age-70-or-older"] = b => b.BirthDate("1956-05-05"),
        ["tumor-1.5cm-or-smaller"] = b => b.Fact("tumorSizeCm", 2.1),
        ["unifocal"] = b => b.Fact("focality", "multifocal"),
        ["er-positive"] = b => b.Fact("erStatus", "negative"),
        ["pr-positive"] = b => b.Fact("prStatus", "negative"),
        ["her2-negative"] = b => b.Fact("her2Status", "positive"),
        ["low-proliferation"] = b => b.Fact("ki67Percent", 20).Fact("genomicRisk", "high"),
        ["invasive-ductal-carcinoma"] = b => b.Fact("histology", "ilc"),
        ["no-extensive-intraductal-component"] = b => b.Fact("extensiveIntraductalComponent", true),
        ["no-lymphovascular-invasion"] = b => b.Fact("lymphovascularInvasion", true),
        ["clinically-node-negative"] = b => b.Fact("nodalStatus", "N1"),
        ["adjuvant-endocrine-therapy"] = b => b.Fact("adjuvantEndocrineTherapy", false),
        ["not-recurrent"] = b => b.Fact("recurrent", true),
        ["no-neoadjuvant-therapy-indicated"] = b => b.Fact("neoadjuvantTherapyIndicated", true),
        ["no-inflammatory-features"] = b => b.Fact("inflammatoryFeatures", true),
        ["adequate-breast-size"] = b => b.Fact("adequateBreastSize", false),
        ["implant-distance-documented"] = b => b.Fact("breastImplants", true).Fact("implantDistanceDocumented", false),
    };

    /// <summary>For each criterion id, a change that makes that criterion, and only it, unknown (a fact removed).</summary>
    private static readonly Dictionary<string, Action<RequestBuilder>> MakeUnknown = new(StringComparer.Ordinal)
    {
        ["age-70-or-older"] = b => b.BirthDate(null),
        ["tumor-1.5cm-or-smaller"] = b => b.Fact("tumorSizeCm", null),
        ["unifocal"] = b => b.Fact("focality", null),
        ["er-positive"] = b => b.Fact("erStatus", null),
        ["pr-positive"] = b => b.Fact("prStatus", null),
        ["her2-negative"] = b => b.Fact("her2Status", null),
        ["low-proliferation"] = b => b.Fact("ki67Percent", null).Fact("genomicRisk", null),
        ["invasive-ductal-carcinoma"] = b => b.Fact("histology", null),
        ["no-extensive-intraductal-component"] = b => b.Fact("extensiveIntraductalComponent", null),
        ["no-lymphovascular-invasion"] = b => b.Fact("lymphovascularInvasion", null),
        ["clinically-node-negative"] = b => b.Fact("nodalStatus", null),
        ["adjuvant-endocrine-therapy"] = b => b.Fact("adjuvantEndocrineTherapy", null),
        ["not-recurrent"] = b => b.Fact("recurrent", null),
        ["no-neoadjuvant-therapy-indicated"] = b => b.Fact("neoadjuvantTherapyIndicated", null),
        ["no-inflammatory-features"] = b => b.Fact("inflammatoryFeatures", null),
        ["adequate-breast-size"] = b => b.Fact("adequateBreastSize", null),
        ["implant-distance-documented"] = b => b.Fact("breastImplants", null),
    };

    /// <summary>The criterion ids of spec section 7, in the order of its table (they are part of the output contract).</summary>
    private static readonly string[] SpecCriterionIds =
    [
        "age-70-or-older", "tumor-1.5cm-or-smaller", "unifocal", "er-positive", "pr-positive", "her2-negative",
        "low-proliferation", "invasive-ductal-carcinoma", "no-extensive-intraductal-component", "no-lymphovascular-invasion",
        "clinically-node-negative", "adjuvant-endocrine-therapy", "not-recurrent", "no-neoadjuvant-therapy-indicated",
        "no-inflammatory-features", "adequate-breast-size", "implant-distance-documented",
    ];

    public static TheoryData<string> CriterionIds() => new(SpecCriterionIds);

    [Fact]
    public void Catalogue_ProSenseCriteria_AreExactlyTheSpecsIdsInOrder()
    {
        var device = Assert.Single(TestCatalogue.Catalogue.FindPolicy("0540")!.FdaDevices);

        Assert.Equal(SpecCriterionIds, device.Criteria.Select(c => c.Id));
        Assert.Equal(MakeUnmet.Keys.Order(StringComparer.Ordinal), device.Criteria.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(MakeUnknown.Keys.Order(StringComparer.Ordinal), device.Criteria.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal("DEN220077", device.Authorization);
        Assert.Equal(new DateOnly(2025, 10, 3), device.DecisionDate);
    }

    [Fact]
    public void Evaluate_EveryCriterionMet_IsOnLabel()
    {
        var label = Label(new RequestBuilder());

        Assert.Equal(FdaLabelStatus.OnLabel, label.Status);
        Assert.Empty(label.Unmet);
        Assert.Empty(label.Unknown);
        Assert.Equal(17, label.Criteria.Count);
        Assert.All(label.Criteria, c => Assert.Equal(CriterionResult.Met, c.Result));
        Assert.Equal("ProSense Cryoablation System", label.Device);
        Assert.Equal("DEN220077", label.Authorization);
    }

    [Theory]
    [MemberData(nameof(CriterionIds))]
    public void Evaluate_OneCriterionUnmet_IsOffLabelWithExactlyThatId(string criterion)
    {
        var builder = new RequestBuilder();
        MakeUnmet[criterion](builder);

        var label = Label(builder);

        Assert.Equal(FdaLabelStatus.OffLabel, label.Status);
        Assert.Equal([criterion], label.Unmet);
        Assert.Empty(label.Unknown);
        Assert.Equal(CriterionResult.Unmet, label.Criteria.Single(c => c.Id == criterion).Result);
    }

    [Theory]
    [MemberData(nameof(CriterionIds))]
    public void Evaluate_OneCriterionUnknown_IsIndeterminateWithExactlyThatId(string criterion)
    {
        var builder = new RequestBuilder();
        MakeUnknown[criterion](builder);

        var label = Label(builder);

        Assert.Equal(FdaLabelStatus.Indeterminate, label.Status);
        Assert.Empty(label.Unmet);
        Assert.Equal([criterion], label.Unknown);
        Assert.Equal(CriterionResult.Unknown, label.Criteria.Single(c => c.Id == criterion).Result);
    }

    [Theory]
    [MemberData(nameof(CriterionIds))]
    public void Evaluate_OneCriterionUnmetAnotherUnknown_UnmetWinsAsOffLabel(string criterion)
    {
        var other = criterion == "unifocal" ? "er-positive" : "unifocal";
        var builder = new RequestBuilder();
        MakeUnmet[criterion](builder);
        MakeUnknown[other](builder);

        var label = Label(builder);

        Assert.Equal(FdaLabelStatus.OffLabel, label.Status);
        Assert.Equal([criterion], label.Unmet);
        Assert.Equal([other], label.Unknown);
    }

    [Fact]
    public void Evaluate_NoClinicalFacts_IsIndeterminateWithEveryFactBasedCriterionUnknown()
    {
        var label = Label(new RequestBuilder().NoClinical());

        Assert.Equal(FdaLabelStatus.Indeterminate, label.Status);
        Assert.Empty(label.Unmet);
        Assert.Equal(16, label.Unknown.Count);
        Assert.DoesNotContain("age-70-or-older", label.Unknown);
    }

    [Theory]
    [InlineData("1956-05-04", CriterionResult.Met)]     // 70th birthday on the date of service
    [InlineData("1956-05-05", CriterionResult.Unmet)]   // 70th birthday the day after: still 69
    [InlineData("1956-05-03", CriterionResult.Met)]
    [InlineData("1926-05-04", CriterionResult.Met)]
    [InlineData("1990-01-01", CriterionResult.Unmet)]
    public void Evaluate_AgeOnDateOfService_ComparesWholeYears(string birthDate, CriterionResult expected)
    {
        var label = Label(new RequestBuilder().BirthDate(birthDate));

        Assert.Equal(expected, Result(label, "age-70-or-older"));
    }

    [Theory]
    [InlineData("2026-02-28", CriterionResult.Unmet)]   // 69: a 29 February birthday is reached on 1 March in common years
    [InlineData("2026-03-01", CriterionResult.Met)]
    [InlineData("2026-02-27", CriterionResult.Unmet)]
    public void Evaluate_BornOn29February_TurnsSeventyOnFirstOfMarch(string dateOfService, CriterionResult expected)
    {
        var label = Label(new RequestBuilder().BirthDate("1956-02-29").Date(dateOfService));

        Assert.Equal(expected, Result(label, "age-70-or-older"));
    }

    [Theory]
    [InlineData(1.5, CriterionResult.Met)]
    [InlineData(1.49, CriterionResult.Met)]
    [InlineData(0, CriterionResult.Met)]
    [InlineData(1.51, CriterionResult.Unmet)]
    [InlineData(30, CriterionResult.Unmet)]
    public void Evaluate_TumorSize_MetUpToOnePointFiveCm(double sizeCm, CriterionResult expected)
    {
        var label = Label(new RequestBuilder().Fact("tumorSizeCm", sizeCm));

        Assert.Equal(expected, Result(label, "tumor-1.5cm-or-smaller"));
    }

    [Theory]
    [InlineData(14.9, "high", CriterionResult.Met)]
    [InlineData(14.9, null, CriterionResult.Met)]
    [InlineData(0.0, "intermediate", CriterionResult.Met)]
    [InlineData(15.0, "intermediate", CriterionResult.Unmet)]
    [InlineData(15.0, "high", CriterionResult.Unmet)]
    [InlineData(15.0, "low", CriterionResult.Met)]
    [InlineData(15.0, null, CriterionResult.Unknown)]
    [InlineData(20.0, "low", CriterionResult.Met)]
    [InlineData(20.0, null, CriterionResult.Unknown)]
    [InlineData(20.0, "high", CriterionResult.Unmet)]
    [InlineData(null, "low", CriterionResult.Met)]
    [InlineData(null, "high", CriterionResult.Unknown)]
    [InlineData(null, null, CriterionResult.Unknown)]
    public void Evaluate_LowProliferation_Ki67BelowFifteenOrGenomicRiskLow(double? ki67, string? genomicRisk, CriterionResult expected)
    {
        var label = Label(new RequestBuilder()
            .Fact("ki67Percent", ki67 is null ? null : JsonValue.Create(ki67.Value))
            .Fact("genomicRisk", genomicRisk));

        Assert.Equal(expected, Result(label, "low-proliferation"));
    }

    [Theory]
    [InlineData(false, null, CriterionResult.Met)]
    [InlineData(false, false, CriterionResult.Met)]
    [InlineData(true, true, CriterionResult.Met)]
    [InlineData(true, false, CriterionResult.Unmet)]
    [InlineData(true, null, CriterionResult.Unknown)]
    [InlineData(null, true, CriterionResult.Met)]
    [InlineData(null, false, CriterionResult.Unknown)]
    [InlineData(null, null, CriterionResult.Unknown)]
    public void Evaluate_ImplantDistance_NoImplantsOrDistanceDocumented(bool? breastImplants, bool? distanceDocumented, CriterionResult expected)
    {
        var label = Label(new RequestBuilder()
            .Fact("breastImplants", breastImplants is null ? null : JsonValue.Create(breastImplants.Value))
            .Fact("implantDistanceDocumented", distanceDocumented is null ? null : JsonValue.Create(distanceDocumented.Value)));

        Assert.Equal(expected, Result(label, "implant-distance-documented"));
    }

    [Theory]
    [InlineData("2025-10-02", FdaLabelStatus.NoAuthorizedDevice)]
    [InlineData("2025-10-03", FdaLabelStatus.OnLabel)]
    [InlineData("2025-10-04", FdaLabelStatus.OnLabel)]
    public void Evaluate_CryoablationAroundDeviceDecisionDate_IsAssessedFromDecisionDate(string dateOfService, FdaLabelStatus expected)
    {
        var label = Label(new RequestBuilder().Date(dateOfService));

        Assert.Equal(expected, label.Status);
        if (expected == FdaLabelStatus.NoAuthorizedDevice)
        {
            Assert.Empty(label.Criteria);
            Assert.Empty(label.Unmet);
            Assert.Empty(label.Unknown);
        }
    }

    [Fact]
    public void Evaluate_UnlistedCryoablation_IsAssessedAgainstLabel()
    {
        var label = Label(new RequestBuilder().Line("19499", "cryoablation").Fact("histology", "ilc"));

        Assert.Equal(FdaLabelStatus.OffLabel, label.Status);
        Assert.Equal(["invasive-ductal-carcinoma"], label.Unmet);
    }

    [Theory]
    [InlineData("0971T", null)]
    [InlineData("19499", "laser ablation")]
    [InlineData("19499", "microwave ablation")]
    [InlineData("19499", "MWA")]
    [InlineData("19499", "radiofrequency ablation")]
    [InlineData("19499", "RFA")]
    public void Evaluate_ModalityWithoutAuthorizedDevice_IsNoAuthorizedDevice(string code, string? description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line(code, description));

        Assert.NotNull(line.FdaLabel);
        Assert.Equal(FdaLabelStatus.NoAuthorizedDevice, line.FdaLabel.Status);
        Assert.Empty(line.FdaLabel.Unmet);
        Assert.Empty(line.FdaLabel.Unknown);
        Assert.Empty(line.FdaLabel.Criteria);
        Assert.Null(line.FdaLabel.Device);
    }

    [Theory]
    [InlineData("19120", null, "2026-05-04")]             // no policy lists the code
    [InlineData("19499", "HIFU", "2026-05-04")]           // related resource
    [InlineData("19499", "excision", "2026-05-04")]       // other procedure
    [InlineData("0581T", null, "2024-03-14")]             // before the first version
    [InlineData("19499", "laser ablation", "2025-06-01")] // modality not yet in scope
    [InlineData("0971T", null, "2025-12-31")]             // invalid code
    [InlineData("0581T", null, "2019-12-31")]             // invalid code, no version
    public void Evaluate_NotAddressedOrInvalidCodeLine_HasNoFdaLabel(string code, string? description, string dateOfService)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService).Line(code, description));

        Assert.True(line.Outcome is LineOutcome.NotAddressed or LineOutcome.InvalidCode, $"unexpected outcome {line.Outcome}");
        Assert.Null(line.FdaLabel);
    }

    public static TheoryData<string> LabelVariants() => new("on-label", "off-label", "indeterminate");

    [Theory]
    [MemberData(nameof(LabelVariants))]
    public void Evaluate_AnyLabelStatusUnderStandardPlan_IsNotMedicallyNecessary(string status)
    {
        var builder = new RequestBuilder();
        if (status == "off-label") builder.Fact("recurrent", true);
        if (status == "indeterminate") builder.Fact("nodalStatus", null);

        var line = TestCatalogue.EvaluateLine(builder);

        Assert.Equal(status, line.FdaLabel!.Status.ToWire());
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
        Assert.Equal(Expect.NotMedicallyNecessary, line.ReasonCodes);
        Assert.True(line.RequiresPhysicianReview);
        Assert.Contains(line.Citations, c => c.Text == "Note: Coverage decisions are not based solely on FDA approval.");
    }

    private static FdaLabelAssessment Label(RequestBuilder builder)
    {
        var line = TestCatalogue.EvaluateLine(builder);
        Assert.Equal("cryoablation", line.Modality);
        Assert.NotNull(line.FdaLabel);
        return line.FdaLabel;
    }

    private static CriterionResult Result(FdaLabelAssessment label, string criterion) =>
        label.Criteria.Single(c => c.Id == criterion).Result;
}
