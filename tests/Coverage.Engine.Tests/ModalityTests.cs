using System.Text;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>Spec section 4: what the line is. Synonyms come from the catalogue, so the tests follow the data.</summary>
public class ModalityTests
{
    private const string Hifu = "High Intensity Focused Ultrasound (HIFU)";

    public static TheoryData<string, string> EverySynonymInEveryCase()
    {
        var data = new TheoryData<string, string>();
        foreach (var modality in TestCatalogue.Catalogue.FindPolicy("0540")!.Modalities.Values)
            foreach (var synonym in modality.Synonyms)
            {
                data.Add(synonym.ToLowerInvariant(), modality.Id);
                data.Add(synonym.ToUpperInvariant(), modality.Id);
                data.Add(MixedCase(synonym), modality.Id);
                data.Add($"US-guided {MixedCase(synonym)}, left breast.", modality.Id);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(EverySynonymInEveryCase))]
    public void Evaluate_UnlistedCodeWithSynonym_RecognisesModality(string description, string modality)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(modality, line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Fact]
    public void Catalogue_Modalities_CoverEveryNameTheSpecLists()
    {
        // Spec section 4 names these; the policy's synonyms may add more, never fewer.
        var expected = new Dictionary<string, string[]>
        {
            ["cryoablation"] = ["cryoablation", "cryotherapy", "cryoprobe", "cryosurgical"],
            ["percutaneous-laser-ablation"] = ["laser ablation", "interstitial laser", "laser thermotherapy"],
            ["microwave-ablation"] = ["microwave ablation", "microwave thermotherapy", "microwave coagulation", "mwa"],
            ["radiofrequency-ablation"] = ["radiofrequency ablation", "radio frequency", "rf ablation", "rfa"],
        };
        var modalities = TestCatalogue.Catalogue.FindPolicy("0540")!.Modalities;

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), modalities.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, names) in expected)
            foreach (var name in names)
                Assert.Contains(name, modalities[id].Synonyms);
    }

    [Theory]
    [InlineData("Radio-frequency ablation", "radiofrequency-ablation")]
    [InlineData("RF-ablation", "radiofrequency-ablation")]
    [InlineData("RFA", "radiofrequency-ablation")]
    [InlineData("rfa, right breast (2 lesions)", "radiofrequency-ablation")]
    [InlineData("US-guided CRYOABLATION, left breast", "cryoablation")]
    [InlineData("Cryo-ablation of breast carcinoma", "cryoablation")]
    [InlineData("MWA of right breast tumour", "microwave-ablation")]
    [InlineData("Microwave Coagulation/left", "microwave-ablation")]
    [InlineData("Percutaneous laser-ablation of breast cancer", "percutaneous-laser-ablation")]
    [InlineData("Interstitial laser therapy", "percutaneous-laser-ablation")]
    [InlineData("cryoablation (ablation of breast tumor)", "cryoablation")]
    public void Evaluate_DescriptionWithPunctuation_RecognisesModality(string description, string modality)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(modality, line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Fact]
    public void Evaluate_0581T_IsCryoablationWithoutDescription()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("0581T"));

        Assert.Equal("cryoablation", line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Fact]
    public void Evaluate_0971T_IsPercutaneousLaserAblation()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("0971T"));

        Assert.Equal("percutaneous-laser-ablation", line.Modality);
        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
    }

    [Fact]
    public void Evaluate_ListedCodeWithContradictingDescription_KeepsCodesModality()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("0581T", "microwave ablation"));

        Assert.Equal("cryoablation", line.Modality);
    }

    [Theory]
    [InlineData("HIFU")]
    [InlineData("hifu of left breast")]
    [InlineData("high-intensity focused ultrasound")]
    [InlineData("High Intensity Focused Ultrasound ablation")]
    public void Evaluate_UnlistedCodeDescribingHifu_IsNotAddressedAndNamesRelatedPolicy(string description)
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder().Line("19499", description));

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Equal(Hifu, line.RelatedPolicy);
        Assert.Null(line.Modality);
        Assert.Null(line.GovernedBy);
        Assert.Null(line.FdaLabel);
        Assert.Empty(line.ReasonCodes);
        Assert.Equal(RequestOutcome.NotAddressed, determination.Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Evaluate_UnlistedCodeWithoutDescription_NeedsInformationN350(string? description)
    {
        var builder = new RequestBuilder().Line("19499");
        if (description is not null) builder.LineField(0, "description", description);

        var determination = TestCatalogue.Evaluate(builder);

        var line = Assert.Single(determination.Lines);
        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.NotEmpty(line.InformationNeeded);
        Assert.Null(line.Modality);
        Assert.Equal(RequestOutcome.Pended, determination.Outcome);
    }

    [Fact]
    public void Evaluate_UnlistedCodeWithoutDescription_IsGovernedByPolicy()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499"));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [InlineData("ablation of breast tumor")]
    [InlineData("cryoablation converted to RFA")]
    public void Evaluate_UnclassifiableAblation_IsGovernedByPolicy(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(GoverningSource.Policy, line.GovernedBy);
    }

    [Theory]
    [InlineData("excision of breast lesion")]
    [InlineData("Breast biopsy, left")]
    [InlineData("Mastopexy")]
    public void Evaluate_UnlistedCodeNamingAnotherProcedure_IsNotAddressed(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Empty(line.ReasonCodes);
        Assert.Null(line.Modality);
        Assert.Null(line.RelatedPolicy);
        Assert.Null(line.FdaLabel);
        Assert.Null(line.GovernedBy);
    }

    [Theory]
    [InlineData("ablation of breast tumor")]
    [InlineData("Thermal ablation, left breast")]
    [InlineData("ABLATIVE therapy")]
    [InlineData("thermoablation")]
    public void Evaluate_AblationWithoutModality_NeedsInformationN350(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        Assert.Null(line.Modality);
        Assert.NotEmpty(line.InformationNeeded);
    }

    [Theory]
    [InlineData("cryoablation converted to RFA")]
    [InlineData("microwave ablation or laser ablation")]
    [InlineData("HIFU then cryotherapy")]
    public void Evaluate_DescriptionNamingTwoProcedures_NeedsInformationN350(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(Expect.InformationRequired("N350"), line.ReasonCodes);
        Assert.Null(line.Modality);
    }

    [Theory]
    [InlineData("perfrfa")]
    [InlineData("crfa")]
    [InlineData("rfas")]
    [InlineData("mwave")]
    public void Evaluate_SynonymInsideAnotherWord_DoesNotMatch(string description)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", description));

        Assert.Null(line.Modality);
        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
    }

    [Fact]
    public void Evaluate_SynonymInsideAnotherWordNextToAblation_IsUnspecifiedAblation()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line("19499", "perfrfa ablation"));

        Assert.Null(line.Modality);
        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
    }

    [Theory]
    [InlineData("2025-10-14")]
    [InlineData("2024-03-15")]
    public void Evaluate_LaserBy19499BeforeFocusedReview_IsNotAddressed(string dateOfService)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date(dateOfService).Line("19499", "laser ablation of breast tumor"));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Empty(line.ReasonCodes);
        Assert.Null(line.GovernedBy);
        Assert.Null(line.FdaLabel);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Contains("2025-10-15", line.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LaserBy19499OnFocusedReviewDate_IsNotMedicallyNecessary()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-10-15").Line("19499", "laser ablation of breast tumor"));

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal("percutaneous-laser-ablation", line.Modality);
        Assert.Equal("2025-10-15", line.Policy?.Version);
    }

    [Fact]
    public void Evaluate_0971TBeforeFocusedReview_IsInvalidCodeBecauseCodeNotYetEffective()
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Date("2025-10-14").Line("0971T"));

        Assert.Equal(LineOutcome.InvalidCode, line.Outcome);
    }

    [Theory]
    [InlineData("19120")]
    [InlineData("19301")]
    [InlineData("0582T")]
    [InlineData("A4550")]
    public void Evaluate_CodeNoPolicyLists_IsNotAddressed(string code)
    {
        var line = TestCatalogue.EvaluateLine(new RequestBuilder().Line(code, "cryoablation"));

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Null(line.Policy);
        Assert.Null(line.Modality);
        Assert.Empty(line.ReasonCodes);
    }

    private static string MixedCase(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
            builder.Append(i % 2 == 0 ? char.ToUpperInvariant(text[i]) : char.ToLowerInvariant(text[i]));
        return builder.ToString();
    }
}
