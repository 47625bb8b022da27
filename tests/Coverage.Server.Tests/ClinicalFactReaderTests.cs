using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// The one mapper of clinical facts from FHIR (PAS supportingInfo, Observations for PAS and CRD): facts found by
/// their codings, values read exactly or refused with the element named, never guessed.
/// </summary>
public sealed class ClinicalFactReaderTests
{
    private static readonly Lazy<PolicyCatalogue> Catalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources")));

    private static FactDefinitions Facts => Catalogue.Value.Facts;

    internal static CodeableConcept Fact(string name) => new(FhirSystems.ClinicalFact, name);

    internal static Quantity Ucum(decimal value, string code) => new() { Value = value, System = FhirSystems.Ucum, Code = code, Unit = code };

    private static Claim.SupportingInformationComponent Info(CodeableConcept category, DataType? value, int sequence = 1) => new()
    {
        Sequence = sequence,
        Category = category,
        Value = value,
    };

    private static (JsonObject Clinical, IReadOnlyList<FhirProblem> Problems) Read(params Claim.SupportingInformationComponent[] infos) =>
        Read(_ => null, infos);

    private static (JsonObject Clinical, IReadOnlyList<FhirProblem> Problems) Read(Func<ResourceReference, Located?> resolve, params Claim.SupportingInformationComponent[] infos)
    {
        var reader = new ClinicalFactReader(Facts);
        for (var i = 0; i < infos.Length; i++) reader.ReadSupportingInfo(infos[i], $"Claim.supportingInfo[{i}]", resolve);
        return (reader.Clinical(), reader.Problems);
    }

    private static FhirProblem SingleProblem(IReadOnlyList<FhirProblem> problems, string expression, string reason)
    {
        var problem = Assert.Single(problems);
        Assert.Equal(expression, problem.Expression);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
        return problem;
    }

    // ------------------------------------------------------------------ values by type

    [Fact]
    public void SupportingInfo_EachFactType_IsReadAsTheRequestJsonWritesIt()
    {
        var (clinical, problems) = Read(
            Info(Fact("painRefractoryToRadiation"), new FhirBoolean(true)),
            Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(2.5m, "cm")),
            Info(Fact("mirelsScore"), new Quantity { Value = 6 }),
            Info(Fact("epileptogenicFocus"), new FhirString("Temporal-Lobe")));

        Assert.Empty(problems);
        Assert.Equal("""{"epileptogenicFocus":"temporal-lobe","lesionDistanceFromSkinAndNervesCm":2.5,"mirelsScore":6,"painRefractoryToRadiation":true}""", clinical.ToJsonString());
    }

    [Fact]
    public void SupportingInfo_CodeFactInCodeUnderTheFactCategory_IsItsValue()
    {
        var info = Info(Fact("epileptogenicFocus"), null);
        info.Code = new CodeableConcept(FhirSystems.ClinicalFactValue, "hypothalamus");

        var (clinical, problems) = Read(info);

        Assert.Empty(problems);
        Assert.Equal("hypothalamus", clinical["epileptogenicFocus"]!.GetValue<string>());
    }

    [Fact]
    public void SupportingInfo_FactNamedByItsCodeUnderAnotherCategory_IsRead()
    {
        var info = Info(new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASSupportingInfoType", "additionalInformation"), new FhirBoolean(false));
        info.Code = Fact("clinicallySignificantComorbidities");

        var (clinical, problems) = Read(info);

        Assert.Empty(problems);
        Assert.False(clinical["clinicallySignificantComorbidities"]!.GetValue<bool>());
    }

    [Fact]
    public void SupportingInfo_CodingThatCarriesNoFact_IsPassedOver()
    {
        var (clinical, problems) = Read(
            Info(new CodeableConcept("http://terminology.hl7.org/CodeSystem/claiminformationcategory", "attachment"), new FhirString("see the imaging report")),
            Info(new CodeableConcept("http://loinc.org", "8302-2"), Ucum(170m, "cm")));

        Assert.Empty(problems);
        Assert.Empty(clinical);
    }

    [Fact]
    public void SupportingInfo_StandardCodingBoundToAFact_IsRead()
    {
        var (clinical, problems) = Read(Info(new CodeableConcept("http://loinc.org", "21889-1"), Ucum(18m, "mm")));

        Assert.Empty(problems);
        Assert.Equal(1.8, clinical["tumorSizeCm"]!.GetValue<double>());
    }

    // ------------------------------------------------------------------ units

    [Theory]
    [InlineData("mm", 25, 2.5)]
    [InlineData("cm", 2.5, 2.5)]
    [InlineData("m", 0.025, 2.5)]
    [InlineData("[in_i]", 1, 2.54)]
    public void Quantity_ExactLengthConversions_GiveTheFactsUnit(string unit, double value, double expected)
    {
        var (clinical, problems) = Read(Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum((decimal)value, unit)));

        Assert.Empty(problems);
        Assert.Equal(expected, clinical["lesionDistanceFromSkinAndNervesCm"]!.GetValue<double>());
    }

    [Fact]
    public void Quantity_UnitOfAnotherDimension_IsAProblemNamingThePath()
    {
        var (clinical, problems) = Read(Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(2.5m, "mg")));

        SingleProblem(problems, "Claim.supportingInfo[0].valueQuantity", "'mg' does not convert exactly to cm");
        Assert.Empty(clinical);
    }

    [Fact]
    public void Quantity_UnitWrittenButNotCoded_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("lesionDistanceFromSkinAndNervesCm"), new Quantity { Value = 2.5m, Unit = "cm" }));

        SingleProblem(problems, "Claim.supportingInfo[0].valueQuantity", "the unit must be coded in UCUM");
    }

    [Fact]
    public void Quantity_UnitOfAnotherSystem_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("lesionDistanceFromSkinAndNervesCm"), new Quantity { Value = 2.5m, System = "http://example.org/units", Code = "cm" }));

        SingleProblem(problems, "Claim.supportingInfo[0].valueQuantity", "units are read as UCUM");
    }

    [Fact]
    public void Quantity_WithAComparator_IsABoundNotAValue()
    {
        var quantity = Ucum(1m, "cm");
        quantity.Comparator = Quantity.QuantityComparator.GreaterOrEqual;

        var (_, problems) = Read(Info(Fact("lesionDistanceFromSkinAndNervesCm"), quantity));

        SingleProblem(problems, "Claim.supportingInfo[0].valueQuantity", "'>= 1' is a bound, not a value");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    [InlineData("{score}")]
    public void Quantity_UnitlessFact_TakesNoUnitUnityOrAnAnnotation(string? code)
    {
        var quantity = new Quantity { Value = 7, Code = code, System = code is null ? null : FhirSystems.Ucum };

        var (clinical, problems) = Read(Info(Fact("mirelsScore"), quantity));

        Assert.Empty(problems);
        Assert.Equal(7, clinical["mirelsScore"]!.GetValue<double>());
    }

    [Fact]
    public void Quantity_UnitlessFactGivenAUnit_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("mirelsScore"), Ucum(7m, "cm")));

        SingleProblem(problems, "Claim.supportingInfo[0].valueQuantity", "the value has no unit, but the quantity says 'cm'");
    }

    // ------------------------------------------------------------------ what cannot be read

    [Fact]
    public void Value_OfTheWrongType_NamesWhatTheFactTakes()
    {
        var (_, problems) = Read(Info(Fact("painRefractoryToRadiation"), new FhirString("yes")));

        SingleProblem(problems, "Claim.supportingInfo[0].valueString", "is a boolean (valueBoolean), not a string");
    }

    [Fact]
    public void Value_NotAmongTheCodeFactsValues_NamesThem()
    {
        var (_, problems) = Read(Info(Fact("epileptogenicFocus"), new FhirString("frontal")));

        SingleProblem(problems, "Claim.supportingInfo[0].valueString", "'frontal' is not a value of the clinical fact 'epileptogenicFocus' (one of temporal-lobe, hypothalamus, other, not-well-defined)");
    }

    [Fact]
    public void Fact_WithoutAValue_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("painRefractoryToRadiation"), null));

        SingleProblem(problems, "Claim.supportingInfo[0]", "gives no value");
    }

    [Fact]
    public void Fact_NotInTheCatalogue_UnderCoveragesSystem_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("painRefractory"), new FhirBoolean(true)));

        SingleProblem(problems, "Claim.supportingInfo[0].category", "'painRefractory' is not a clinical fact of this payer's catalogue");
    }

    [Fact]
    public void Fact_DerivedByTheEngine_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("ageYears"), new Quantity { Value = 40 }));

        SingleProblem(problems, "Claim.supportingInfo[0].category", "derived by the engine");
    }

    [Fact]
    public void Fact_StatedTwiceWithDifferentValues_NamesBothPaths()
    {
        var (_, problems) = Read(
            Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(2.5m, "cm")),
            Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(9m, "mm")));

        var problem = SingleProblem(problems, "Claim.supportingInfo[1].valueQuantity", "stated twice with different values");
        Assert.Contains("Claim.supportingInfo[0].valueQuantity", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fact_StatedTwiceWithTheSameValueInOtherUnits_IsOneValue()
    {
        var (clinical, problems) = Read(
            Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(2.5m, "cm")),
            Info(Fact("lesionDistanceFromSkinAndNervesCm"), Ucum(25m, "mm")));

        Assert.Empty(problems);
        Assert.Equal(2.5, clinical["lesionDistanceFromSkinAndNervesCm"]!.GetValue<double>());
    }

    [Fact]
    public void Fact_CategoryAndCodeNamingDifferentFacts_IsAProblem()
    {
        var info = Info(Fact("mirelsScore"), new Quantity { Value = 6 });
        info.Code = Fact("increasedFractureRisk");

        var (_, problems) = Read(info);

        SingleProblem(problems, "Claim.supportingInfo[0]", "category names the clinical fact 'mirelsScore' and code names 'increasedFractureRisk'");
    }

    // ------------------------------------------------------------------ Observations

    private static Observation Observation(CodeableConcept code, DataType? value, string? effective = null) => new()
    {
        Status = ObservationStatus.Final,
        Code = code,
        Value = value,
        Effective = effective is null ? null : new FhirDateTime(effective),
    };

    [Fact]
    public void SupportingInfo_ReferencingAnObservation_ReadsTheObservation()
    {
        var observation = Observation(Fact("mirelsScore"), new Integer(6));
        var info = Info(new CodeableConcept("http://terminology.hl7.org/CodeSystem/claiminformationcategory", "info"), new ResourceReference("urn:uuid:obs"));

        var (clinical, problems) = Read(r => r.Reference == "urn:uuid:obs" ? new Located(observation, "Bundle.entry[5].resource") : null, info);

        Assert.Empty(problems);
        Assert.Equal(6, clinical["mirelsScore"]!.GetValue<int>());
    }

    [Fact]
    public void SupportingInfo_NamingAFactAndReferencingAnUncodedObservation_ReadsItAsThatFact()
    {
        var observation = Observation(new CodeableConcept { Text = "Mirels score" }, new Integer(6));

        var (clinical, problems) = Read(_ => new Located(observation, "Bundle.entry[5].resource"), Info(Fact("mirelsScore"), new ResourceReference("urn:uuid:obs")));

        Assert.Empty(problems);
        Assert.Equal(6, clinical["mirelsScore"]!.GetValue<int>());
    }

    [Fact]
    public void SupportingInfo_NamingAFactAndReferencingAMissingObservation_IsAProblem()
    {
        var (_, problems) = Read(Info(Fact("mirelsScore"), new ResourceReference("urn:uuid:nowhere")));

        SingleProblem(problems, "Claim.supportingInfo[0].valueReference", "is not in the Bundle");
    }

    [Fact]
    public void SupportingInfo_ReferencingAnObservationOfAnotherFact_IsAProblem()
    {
        var observation = Observation(Fact("increasedFractureRisk"), new FhirBoolean(false));

        var (_, problems) = Read(_ => new Located(observation, "Bundle.entry[5].resource"), Info(Fact("mirelsScore"), new ResourceReference("urn:uuid:obs")));

        SingleProblem(problems, "Bundle.entry[5].resource.code", "carries the clinical fact 'increasedFractureRisk', but the supportingInfo citing it names 'mirelsScore'");
    }

    [Fact]
    public void Observation_CodeableConceptValue_IsReadFromTheValueSystem()
    {
        var reader = new ClinicalFactReader(Facts);
        reader.ReadObservation(Observation(Fact("epileptogenicFocus"), new CodeableConcept(FhirSystems.ClinicalFactValue, "temporal-lobe")), "prefetch.observations.entry[0].resource");
        reader.ReadObservation(Observation(Fact("focusAccessibleByLitt"), new CodeableConcept("http://snomed.info/sct", "373066001")), "prefetch.observations.entry[1].resource");

        Assert.Equal("temporal-lobe", reader.Clinical()["epileptogenicFocus"]!.GetValue<string>());
        SingleProblem(reader.Problems, "prefetch.observations.entry[1].resource.valueCodeableConcept", "is a boolean (valueBoolean), not a CodeableConcept");
    }

    [Fact]
    public void Observation_WithADataAbsentReason_LeavesTheFactUnknown()
    {
        var observation = Observation(Fact("mirelsScore"), null);
        observation.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown");
        var reader = new ClinicalFactReader(Facts);

        reader.ReadObservation(observation, "Bundle.entry[3].resource");

        Assert.Empty(reader.Problems);
        Assert.Empty(reader.Clinical());
    }

    [Fact]
    public void Observation_EnteredInError_StatesNothing()
    {
        var observation = Observation(Fact("mirelsScore"), new Integer(11));
        observation.Status = ObservationStatus.EnteredInError;
        var reader = new ClinicalFactReader(Facts);

        reader.ReadObservation(observation, "Bundle.entry[3].resource");

        Assert.Empty(reader.Problems);
        Assert.Empty(reader.Clinical());
    }

    [Theory]
    [InlineData("2026-03", "is not a full date")]
    [InlineData("2026", "is not a full date")]
    public void DateValue_WithoutTheDay_IsAProblem(string value, string reason)
    {
        var definitions = new FactDefinitions([new FactDefinition { Name = "lastRadiation", Type = Engine.Model.FactType.Date, Description = "d", Documentation = "d" }]);
        var reader = new ClinicalFactReader(definitions);

        reader.ReadObservation(Observation(Fact("lastRadiation"), new FhirDateTime(value)), "Bundle.entry[3].resource");

        SingleProblem(reader.Problems, "Bundle.entry[3].resource.valueDateTime", reason);
    }

    [Fact]
    public void DateValue_DayDateTimeOrOneDayPeriod_IsTheDay()
    {
        var definitions = new FactDefinitions([new FactDefinition { Name = "lastRadiation", Type = Engine.Model.FactType.Date, Description = "d", Documentation = "d" }]);
        var reader = new ClinicalFactReader(definitions);
        var info = new Claim.SupportingInformationComponent { Sequence = 1, Category = Fact("lastRadiation"), Timing = new Period(new FhirDateTime("2025-11-02T08:00:00-05:00"), new FhirDateTime("2025-11-02T09:30:00-05:00")) };

        reader.ReadSupportingInfo(info, "Claim.supportingInfo[0]", _ => null);
        reader.ReadObservation(Observation(Fact("lastRadiation"), new FhirDateTime("2025-11-02T23:30:00-05:00")), "Bundle.entry[3].resource");

        Assert.Empty(reader.Problems);
        Assert.Equal("2025-11-02", reader.Clinical()["lastRadiation"]!.GetValue<string>());
    }

    [Fact]
    public void DateValue_PeriodOverSeveralDays_IsAProblem()
    {
        var definitions = new FactDefinitions([new FactDefinition { Name = "lastRadiation", Type = Engine.Model.FactType.Date, Description = "d", Documentation = "d" }]);
        var reader = new ClinicalFactReader(definitions);
        var info = new Claim.SupportingInformationComponent { Sequence = 1, Category = Fact("lastRadiation"), Timing = new Period(new FhirDateTime("2025-11-02"), new FhirDateTime("2025-11-20")) };

        reader.ReadSupportingInfo(info, "Claim.supportingInfo[0]", _ => null);

        SingleProblem(reader.Problems, "Claim.supportingInfo[0].timingPeriod", "a period is one date only when");
    }

    // ------------------------------------------------------------------ a patient's record (CRD prefetch)

    [Fact]
    public void Record_FactRecordedTwice_TakesTheLatest()
    {
        var reader = new ClinicalFactReader(Facts, ClinicalFactReader.Mode.Latest);

        reader.ReadObservation(Observation(Fact("mirelsScore"), new Integer(9), "2026-01-10"), "prefetch.observations.entry[0].resource");
        reader.ReadObservation(Observation(Fact("mirelsScore"), new Integer(6), "2026-03-01"), "prefetch.observations.entry[1].resource");

        Assert.Empty(reader.Problems);
        Assert.Equal(6, reader.Clinical()["mirelsScore"]!.GetValue<int>());
        Assert.Equal("prefetch.observations.entry[1].resource.valueInteger", reader.PathOf("mirelsScore"));
    }

    [Fact]
    public void Record_LatestRecordsDisagree_LeaveTheFactUnknown()
    {
        var reader = new ClinicalFactReader(Facts, ClinicalFactReader.Mode.Latest);

        reader.ReadObservation(Observation(Fact("mirelsScore"), new Integer(9), "2026-03-01"), "prefetch.observations.entry[0].resource");
        reader.ReadObservation(Observation(Fact("mirelsScore"), new Integer(6), "2026-03-01"), "prefetch.observations.entry[1].resource");

        Assert.Empty(reader.Problems);
        Assert.Empty(reader.Clinical());
    }
}
