using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>
/// The rule model on a catalogue of another shape than 0540 (Fixtures/other-shapes: a fictional infusion policy
/// with two indications, at-least-n, none-of, a date window, not-covered and a statement that defers): the
/// engine decides it from the files alone, with no code of its own.
/// </summary>
public class RuleModelTests
{
    private static readonly string Fixture = Path.Combine(TestCatalogue.RepositoryRoot, "tests", "Coverage.Engine.Tests", "Fixtures", "other-shapes");
    private static readonly Lazy<PolicyCatalogue> Catalogue = new(() => CatalogueLoader.Load(Fixture));
    private static readonly Lazy<Evaluator> Evaluator = new(() => new Evaluator(Catalogue.Value, new FakeTimeProvider(TestCatalogue.FixedNow)));

    private static LineDetermination Line(string diagnoses, string clinical, string code = "96413", string? description = null, string birthDate = "1970-01-01",
        string dateOfService = "2026-06-15")
    {
        var describe = description is null ? "" : $", \"description\": \"{description}\"";
        var json = $$"""
            {"requestId": "R1", "member": {"id": "M1", "birthDate": "{{birthDate}}"}, "dateOfService": "{{dateOfService}}",
             "diagnoses": [{{diagnoses}}], "clinical": {{{clinical}}},
             "serviceLines": [{"sequence": 1, "code": "{{code}}"{{describe}}}]}
            """;
        var read = RequestReader.Read(json, Catalogue.Value);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return Assert.Single(Evaluator.Value.Evaluate(read.Request!).Lines);
    }

    private static CriterionResult Result(LineDetermination line, string id) => line.Criteria.Single(c => c.Id == id).Result;

    [Fact]
    public void AtLeastTwoOfThree_TwoMetOneUnmet_Covered()
    {
        var line = Line("\"M05.79\"", "\"failedConventionalTherapies\": 3, \"diseaseActivity\": \"low\", \"activeInfection\": false, \"tbTestDate\": \"2026-01-10\"");

        Assert.Equal(LineOutcome.Covered, line.Outcome);
        Assert.Equal(CriterionResult.Unmet, Result(line, "active-disease"));
        Assert.Equal(CriterionResult.Met, Result(line, "adult"));
        Assert.Empty(line.ReasonCodes);
        Assert.Null(line.FdaLabel);
    }

    [Fact]
    public void AtLeastTwoOfThree_OneMetOneUnmetOneUnknown_AsksOnlyForTheOpenFact()
    {
        var line = Line("\"M05.79\"", "\"diseaseActivity\": \"low\", \"activeInfection\": false, \"tbTestDate\": \"2026-01-10\"");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        var needed = Assert.Single(line.FactsNeeded);
        Assert.Equal("failedConventionalTherapies", needed.Fact);
        Assert.Equal(["two-failed-therapies"], needed.Criteria);
    }

    [Fact]
    public void AtLeastTwoOfThree_TwoUnmet_NotMedicallyNecessaryWithoutAskingForTheRest()
    {
        var line = Line("\"M05.79\"", "\"failedConventionalTherapies\": 1, \"diseaseActivity\": \"low\"");

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Empty(line.FactsNeeded);
        Assert.True(line.RequiresPhysicianReview);
    }

    [Theory]
    [InlineData("2025-06-15", CriterionResult.Met)]   // exactly 12 months before 2026-06-15
    [InlineData("2025-05-16", CriterionResult.Met)]   // 12 whole months and 30 days
    [InlineData("2025-05-15", CriterionResult.Unmet)] // 13 months
    [InlineData("2026-06-15", CriterionResult.Met)]   // on the date of service: 0
    [InlineData("2026-06-16", CriterionResult.Unmet)] // a day after the date of service: −1 month, not 0
    public void TimeSince_TbScreenWindow_CountsWholeMonths(string tbTestDate, CriterionResult expected)
    {
        var line = Line("\"M05.79\"", $"\"failedConventionalTherapies\": 3, \"diseaseActivity\": \"high\", \"activeInfection\": false, \"tbTestDate\": \"{tbTestDate}\"");

        Assert.Equal(expected, Result(line, "recent-tb-screen"));
    }

    [Fact]
    public void TimeSince_DateMissing_AsksForTheDateNotTheDerivedFact()
    {
        var line = Line("\"M05.79\"", "\"failedConventionalTherapies\": 3, \"diseaseActivity\": \"high\", \"activeInfection\": false");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal("tbTestDate", Assert.Single(line.FactsNeeded).Fact);
        Assert.Equal("date", line.FactsNeeded[0].Type);
    }

    [Fact]
    public void NoneOf_ActiveInfection_NotMet()
    {
        var line = Line("\"M06.9\"", "\"failedConventionalTherapies\": 3, \"diseaseActivity\": \"high\", \"activeInfection\": true, \"tbTestDate\": \"2026-01-10\"");

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(CriterionResult.Unmet, Result(line, "no-active-infection"));
        Assert.Equal([new ReasonCode("CARC", "50", "CO")], line.ReasonCodes);
    }

    [Fact]
    public void NotCoveredStatement_CarcNinetySix_NoPhysicianReview()
    {
        var line = Line("\"M06.9\"", "", code: "96379", description: "wellness infusion vitamin drip");

        Assert.Equal(LineOutcome.NotCovered, line.Outcome);
        Assert.Equal([new ReasonCode("CARC", "96", "CO")], line.ReasonCodes);
        Assert.False(line.RequiresPhysicianReview);
        Assert.Equal("enhancement-infusion", line.Modality);
    }

    [Fact]
    public void OtherwiseNext_CriteriaNotMet_NextStatementDecides()
    {
        var line = Line("\"L40.50\"", "\"diseaseActivity\": \"high\"");

        Assert.Equal(LineOutcome.ExperimentalInvestigationalUnproven, line.Outcome);
        Assert.Equal([new ReasonCode("CARC", "55", "CO")], line.ReasonCodes);
        Assert.True(line.RequiresPhysicianReview);
        Assert.Contains(line.Trace, step => step.Contains("the next statement decides", StringComparison.Ordinal));
    }

    [Fact]
    public void DiagnosisInCriterion_PlaquePsoriasis_Covered()
    {
        var line = Line("\"L40.0\"", "\"diseaseActivity\": \"high\"");

        Assert.Equal(LineOutcome.Covered, line.Outcome);
        Assert.Equal(CriterionResult.Met, Result(line, "plaque-psoriasis"));
    }

    [Fact]
    public void OtherIndication_NoCriteria_Investigational()
    {
        var line = Line("\"K51.90\"", "");

        Assert.Equal(LineOutcome.ExperimentalInvestigationalUnproven, line.Outcome);
        Assert.Empty(line.Criteria);
    }

    [Fact]
    public void NoDiagnosis_StatementByIndication_AsksForTheDiagnosis()
    {
        var line = Line("", "");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Contains(line.ReasonCodes, r => r.Code == "M76");
    }

    [Fact]
    public void ServiceNotYetInTheVersion_NotAddressed_CitesTheOverview()
    {
        var line = Line("\"M06.9\"", "", code: "96379", description: "wellness infusion", dateOfService: "2024-06-01");

        Assert.Equal(LineOutcome.NotAddressed, line.Outcome);
        Assert.Contains("added in version 2025-01-01", line.Trace[^2], StringComparison.Ordinal);
        Assert.Equal("Scope", Assert.Single(line.Citations).Section);
        Assert.Contains("\"outcome\": \"not-addressed\"", DeterminationWriter.ToJson(new Determination
        {
            Outcome = RequestOutcome.NotAddressed, RequiresPhysicianReview = false, EvaluatedAt = TestCatalogue.FixedNow, EngineVersion = "test", Lines = [line],
        }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"tbTestDate\": \"2026-13-01\"", "clinical.tbTestDate", "is not a date")]
    [InlineData("\"tbTestDate\": 20260101", "clinical.tbTestDate", "a date (yyyy-MM-dd)")]
    [InlineData("\"monthsSinceTbTest\": 3", "clinical.monthsSinceTbTest", "from clinical.tbTestDate")]
    [InlineData("\"painRefractoryToRadiation\": true", "clinical.painRefractoryToRadiation", "not a clinical fact")]
    public void Request_BadFactOfThisCatalogue_IsAnInputErrorNamingIt(string clinical, string field, string reason)
    {
        var read = RequestReader.Read($$"""
            {"member": {"birthDate": "1970-01-01"}, "dateOfService": "2026-06-15", "diagnoses": ["M05.79"],
             "clinical": {{{clinical}}}, "serviceLines": [{"sequence": 1, "code": "96413"}]}
            """, Catalogue.Value);

        Assert.False(read.IsValid);
        Assert.Contains(read.Errors, e => e.Field == field && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Determination_Json_CarriesCriteriaAndFactsNeeded()
    {
        var read = RequestReader.Read("""
            {"member": {"birthDate": "1970-01-01"}, "dateOfService": "2026-06-15", "diagnoses": ["M05.79"],
             "clinical": {"diseaseActivity": "low"}, "serviceLines": [{"sequence": 1, "code": "96413"}]}
            """, Catalogue.Value);
        var json = DeterminationWriter.ToJson(Evaluator.Value.Evaluate(read.Request!));

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var line = document.RootElement.GetProperty("lines")[0];
        Assert.Equal("information-required", line.GetProperty("outcome").GetString());
        var criteria = line.GetProperty("criteria").EnumerateArray().ToList();
        Assert.Equal("not-met", criteria.Single(c => c.GetProperty("id").GetString() == "active-disease").GetProperty("result").GetString());
        Assert.Equal("Rheumatoid arthritis", criteria[0].GetProperty("section").GetString());
        Assert.Contains(line.GetProperty("factsNeeded").EnumerateArray(), f => f.GetProperty("fact").GetString() == "tbTestDate");
        Assert.False(line.TryGetProperty("fdaLabel", out _));
    }

    // ------------------------------------------------------------ counts over a list, sex and place of service

    private static LineDetermination Crohns(string clinical, string sex = "\"male\"", string requestPlace = "\"11\"", string linePlace = "null")
    {
        var read = RequestReader.Read($$"""
            {"member": {"birthDate": "1970-01-01", "sex": {{sex}}}, "dateOfService": "2026-06-15", "placeOfService": {{requestPlace}},
             "diagnoses": ["K50.90"], "clinical": {{{clinical}}},
             "serviceLines": [{"sequence": 1, "code": "96413", "placeOfService": {{linePlace}}}]}
            """, Catalogue.Value);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return Assert.Single(Evaluator.Value.Evaluate(read.Request!).Lines);
    }

    [Fact]
    public void Count_TwoListedImmunomodulators_MetAndCovered()
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"azathioprine\"]");

        Assert.Equal(LineOutcome.Covered, line.Outcome);
        Assert.All(line.Criteria, c => Assert.Equal(CriterionResult.Met, c.Result));
    }

    [Fact]
    public void Count_ASteroidIsNotCounted_NotMet()
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"prednisone\"]");

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(CriterionResult.Unmet, Result(line, "two-immunomodulators"));
        Assert.Equal(["immunomodulatorsTried"], line.Criteria.Single(c => c.Id == "two-immunomodulators").Facts);
    }

    [Fact]
    public void Count_EmptyListStated_IsZeroNotUnknown()
    {
        var line = Crohns("\"priorImmunotherapies\": []");

        Assert.Equal(LineOutcome.NotMedicallyNecessary, line.Outcome);
        Assert.Equal(CriterionResult.Unmet, Result(line, "two-immunomodulators"));
    }

    [Fact]
    public void Count_ListMissing_AsksForTheListWithItsValues()
    {
        var line = Crohns("");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        var needed = Assert.Single(line.FactsNeeded);
        Assert.Equal("priorImmunotherapies", needed.Fact);
        Assert.Equal("list", needed.Type);
        Assert.Contains("mercaptopurine", needed.Values);
        Assert.Equal(["two-immunomodulators"], needed.Criteria);
    }

    [Theory]
    [InlineData("\"male\"", "", LineOutcome.Covered)]
    [InlineData("\"female\"", "", LineOutcome.InformationRequired)]
    [InlineData("\"female\"", ", \"pregnancyTestNegative\": true", LineOutcome.Covered)]
    [InlineData("\"female\"", ", \"pregnancyTestNegative\": false", LineOutcome.NotMedicallyNecessary)]
    [InlineData("\"unknown\"", ", \"pregnancyTestNegative\": true", LineOutcome.Covered)]
    public void Sex_FromTheMember_DecidesTheEitherOrCriterion(string sex, string pregnancy, LineOutcome expected)
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"azathioprine\"]" + pregnancy, sex);

        Assert.Equal(expected, line.Outcome);
    }

    [Fact]
    public void Sex_NotStated_AsksForTheSexOrTheTest()
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"azathioprine\"]", sex: "null");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        Assert.Equal(["member.sex", "pregnancyTestNegative"], line.FactsNeeded.Select(f => f.Fact));
        Assert.Equal(FactDefinitions.Sexes, line.FactsNeeded[0].Values);
    }

    [Theory]
    [InlineData("\"22\"", "null", LineOutcome.Covered)]               // the request's place of service
    [InlineData("\"21\"", "null", LineOutcome.NotMedicallyNecessary)] // inpatient hospital
    [InlineData("\"21\"", "\"11\"", LineOutcome.Covered)]             // the line's own place of service wins
    [InlineData("\"11\"", "\"21\"", LineOutcome.NotMedicallyNecessary)]
    public void PlaceOfService_LineOverRequest(string requestPlace, string linePlace, LineOutcome expected)
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"azathioprine\"]", requestPlace: requestPlace, linePlace: linePlace);

        Assert.Equal(expected, line.Outcome);
    }

    [Fact]
    public void PlaceOfService_NotStated_AskedAsTheRequestsField()
    {
        var line = Crohns("\"priorImmunotherapies\": [\"methotrexate\", \"azathioprine\"]", requestPlace: "null");

        Assert.Equal(LineOutcome.InformationRequired, line.Outcome);
        var needed = Assert.Single(line.FactsNeeded);
        Assert.Equal("placeOfService", needed.Fact);
        Assert.Equal(["11", "19", "22", "24"], needed.Values);
    }

    [Theory]
    [InlineData("\"member\": {\"sex\": \"F\"}", "member.sex", "not a sex")]
    [InlineData("\"placeOfService\": \"1\"", "placeOfService", "not a CMS place-of-service code")]
    [InlineData("\"placeOfService\": \"00\"", "placeOfService", "not a CMS place-of-service code")]
    [InlineData("\"clinical\": {\"priorImmunotherapies\": [\"aspirin\"]}", "clinical.priorImmunotherapies[0]", "is not one of")]
    [InlineData("\"clinical\": {\"priorImmunotherapies\": [\"methotrexate\", \"Methotrexate\"]}", "clinical.priorImmunotherapies[1]", "listed twice")]
    [InlineData("\"clinical\": {\"priorImmunotherapies\": \"methotrexate\"}", "clinical.priorImmunotherapies", "a list of")]
    [InlineData("\"clinical\": {\"immunomodulatorsTried\": 2}", "clinical.immunomodulatorsTried", "from clinical.priorImmunotherapies")]
    [InlineData("\"clinical\": {\"memberSex\": \"male\"}", "clinical.memberSex", "from member.sex")]
    public void Request_BadSexPlaceOrList_IsAnInputErrorNamingTheField(string field, string path, string reason)
    {
        var read = RequestReader.Read($$"""
            { {{field}}, "dateOfService": "2026-06-15", "diagnoses": ["K50.90"], "serviceLines": [{"sequence": 1, "code": "96413"}]}
            """, Catalogue.Value);

        Assert.False(read.IsValid);
        Assert.Contains(read.Errors, e => e.Field == path && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Request_SexPlaceAndList_RoundTripInTheCanonicalForm()
    {
        var read = RequestReader.Read("""
            {"member": {"sex": "Female"}, "dateOfService": "2026-06-15", "placeOfService": "22", "diagnoses": ["K50.90"],
             "clinical": {"priorImmunotherapies": ["Methotrexate", "prednisone"]},
             "serviceLines": [{"sequence": 1, "code": "96413", "placeOfService": "22"}, {"sequence": 2, "code": "96413", "placeOfService": "11"}]}
            """, Catalogue.Value);
        var json = RequestWriter.ToJson(read.Request!);

        Assert.Contains("\"sex\":\"female\"", json, StringComparison.Ordinal);
        Assert.Contains("\"priorImmunotherapies\":[\"methotrexate\",\"prednisone\"]", json, StringComparison.Ordinal);
        Assert.Null(read.Request!.ServiceLines[0].PlaceOfService); // the request's, not repeated
        Assert.Equal("11", read.Request.ServiceLines[1].PlaceOfService);
        Assert.Equal(json, RequestWriter.ToJson(RequestReader.Read(json, Catalogue.Value).Request!));
    }

    // ------------------------------------------------------------ a code that names the indications (coverage-semantics.md §10)

    [Fact]
    public void CodeNamingTheIndications_DiagnosisOutsideAllOfThem_IsInvalidCoding()
    {
        var line = Line("\"K51.90\"", "", code: "0999T");

        Assert.Equal(LineOutcome.InvalidCoding, line.Outcome);
        Assert.Equal([ReasonCode.Carc("11", "CO")], line.ReasonCodes);
        Assert.Contains("describes treatment of rheumatoid arthritis or psoriasis", line.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void CodeNamingTheIndications_DiagnosisInOne_IsDecidedByItsStatement()
    {
        var line = Line("\"L40.0\"", "\"diseaseActivity\": \"high\"", code: "0999T");

        Assert.Equal(LineOutcome.Covered, line.Outcome);
    }

    [Fact]
    public void CodeNotNamingTheIndications_OtherDiagnosis_GoesToTheCatchAllStatement()
    {
        // 96379 (unlisted) names no disease: a line for another one is not a coding error.
        var line = Line("\"K51.90\"", "", code: "96379", description: "infliximab infusion");

        Assert.Equal(LineOutcome.ExperimentalInvestigationalUnproven, line.Outcome); // the catch-all statement covers 96379
    }

    [Fact]
    public void Wording_APolicyThatNamesNoServiceKind_SpeaksOfTreatment()
    {
        // The description step's sentences come from the policy: TEST-7 says no serviceKind, so not "ablation".
        var line = Line("\"M05.79\"", "", code: "96379", description: "knee arthroscopy");

        Assert.Contains(line.Trace, t => t.Contains("names no treatment this policy addresses", StringComparison.Ordinal));
        Assert.DoesNotContain(line.Trace, t => t.Contains("ablation", StringComparison.Ordinal));
    }
}
