using System.Text.Json.Nodes;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Engine.Tests;

/// <summary>request-and-determination.md: input errors are rejected with a message that names the field.</summary>
public class RequestReaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{ \"dateOfService\": ")]
    [InlineData("{ 'dateOfService': '2026-05-04' }")]
    [InlineData("{ \"dateOfService\": \"2026-05-04\", } ")]
    public void Read_NotJson_IsRejectedAtRoot(string text)
    {
        var error = Assert.Single(TestCatalogue.Errors(text));

        Assert.Equal("$", error.Field);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[ { \"dateOfService\": \"2026-05-04\" } ]")]
    [InlineData("\"request\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Read_RootNotAnObject_IsRejectedAtRoot(string text)
    {
        var error = Assert.Single(TestCatalogue.Errors(text));

        Assert.Equal("$", error.Field);
    }

    [Fact]
    public void Read_MissingDateOfService_NamesField()
    {
        var errors = TestCatalogue.Errors(new RequestBuilder().Remove("dateOfService"));

        var error = Assert.Single(errors);
        Assert.Equal("dateOfService", error.Field);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13-40")]
    [InlineData("2026-02-30")]
    [InlineData("2026-5-4")]
    [InlineData("2026-05-4")]
    [InlineData("04/05/2026")]
    [InlineData("2026-05-04T00:00:00")]
    [InlineData("20260504")]
    [InlineData("")]
    [InlineData(" 2026-05-04")]
    public void Read_MalformedDateOfService_NamesField(string date)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Date(date)));

        Assert.Equal("dateOfService", error.Field);
    }

    [Fact]
    public void Read_DateOfServiceAsNumber_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("dateOfService", 20260504)));

        Assert.Equal("dateOfService", error.Field);
        Assert.Contains("a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DateOfServiceNull_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("dateOfService", null)));

        Assert.Equal("dateOfService", error.Field);
    }

    [Fact]
    public void Read_MissingServiceLines_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Remove("serviceLines")));

        Assert.Equal("serviceLines", error.Field);
    }

    [Fact]
    public void Read_EmptyServiceLines_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("serviceLines", new JsonArray())));

        Assert.Equal("serviceLines", error.Field);
    }

    [Fact]
    public void Read_ServiceLinesNotAList_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("serviceLines", new JsonObject())));

        Assert.Equal("serviceLines", error.Field);
    }

    [Fact]
    public void Read_LineWithoutCode_NamesLineField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().RemoveLineField(0, "code")));

        Assert.Equal("serviceLines[0].code", error.Field);
    }

    [Fact]
    public void Read_SecondLineWithoutCode_NamesItsIndex()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().AddLine("19499", "RFA").RemoveLineField(1, "code")));

        Assert.Equal("serviceLines[1].code", error.Field);
    }

    [Theory]
    [InlineData("0581")]
    [InlineData("ABCDE")]
    [InlineData("05810T")]
    [InlineData("0581X")]
    [InlineData("W1234")]
    [InlineData("1949")]
    [InlineData("194999")]
    [InlineData("0581 T")]
    [InlineData("")]
    public void Read_MalformedProcedureCode_NamesLineCode(string code)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Line(code)));

        Assert.Equal("serviceLines[0].code", error.Field);
    }

    [Fact]
    public void Read_ProcedureCodeAsNumber_NamesLineCode()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "code", 19499)));

        Assert.Equal("serviceLines[0].code", error.Field);
    }

    [Theory]
    [InlineData("19499")]
    [InlineData("0581T")]
    [InlineData("0581t")]
    [InlineData("1234F")]
    [InlineData("0001U")]
    [InlineData("A4550")]
    [InlineData("j9999")]
    public void Read_WellFormedProcedureCode_IsAcceptedInUpperCase(string code)
    {
        var request = TestCatalogue.Request(new RequestBuilder().Line(code).Json());

        Assert.Equal(code.ToUpperInvariant(), Assert.Single(request.ServiceLines).Code);
    }

    [Theory]
    [InlineData("C5")]
    [InlineData("XYZ")]
    [InlineData("C50.41111")]
    [InlineData("C50..411")]
    [InlineData("5C0.411")]
    [InlineData("C50-411")]
    [InlineData("C50.")]
    [InlineData("")]
    public void Read_MalformedDiagnosis_NamesDiagnosisIndex(string code)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Diagnoses("C50.411", code)));

        Assert.Equal("diagnoses[1]", error.Field);
    }

    [Fact]
    public void Read_DiagnosesNotAList_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("diagnoses", "C50.411")));

        Assert.Equal("diagnoses", error.Field);
    }

    [Theory]
    [InlineData("C50.411", "C50411")]
    [InlineData("c50.411", "C50411")]
    [InlineData("C50411", "C50411")]
    [InlineData("C79.81", "C7981")]
    [InlineData("D05.10", "D0510")]
    [InlineData("C4A.52", "C4A52")]
    [InlineData("Z17.0", "Z170")]
    [InlineData("S22.000A", "S22000A")]
    public void Read_WellFormedDiagnosis_IsNormalisedWithoutDot(string code, string normalised)
    {
        var request = TestCatalogue.Request(new RequestBuilder().Diagnoses(code).Json());

        Assert.Equal([normalised], request.Diagnoses);
    }

    [Theory]
    [InlineData("U07.1")]  // COVID-19, in ICD-10-CM since 2020-04-01
    [InlineData("U09.9")]  // post COVID-19 condition, since 2021-10-01
    public void Read_IcdCodeInChapterU_IsAcceptedAsWellFormed(string code)
    {
        var request = TestCatalogue.Request(new RequestBuilder().Diagnoses("C50.411", code).Json());

        Assert.Equal(2, request.Diagnoses.Count);
    }

    [Fact]
    public void Read_DuplicateDiagnoses_AreDeduplicated()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Diagnoses("C50.411", "c50411", "D24.1", "C50.411").Json());

        Assert.Equal(["C50411", "D241"], request.Diagnoses);
    }

    [Fact]
    public void Read_UnknownPlan_NamesPlanIdAndListsKnownPlans()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Plan("gold-ppo")));

        Assert.Equal("member.planId", error.Field);
        Assert.Contains("gold-ppo", error.Message, StringComparison.Ordinal);
        Assert.Contains("standard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SocialRiskFactors_KeptInTheVocabularysOrder_WrittenBackOnlyWhenStated()
    {
        var json = JsonNode.Parse(new RequestBuilder().Json())!.AsObject();
        json["member"]!["socialRiskFactors"] = new JsonArray("disability", "dual-eligible", "disability");

        var request = TestCatalogue.Request(json.ToJsonString());
        var without = TestCatalogue.Request(new RequestBuilder().Json());

        Assert.Equal(["dual-eligible", "disability"], request.Member.SocialRiskFactors);
        Assert.Contains("\"socialRiskFactors\":[\"dual-eligible\",\"disability\"]", RequestWriter.ToJson(request), StringComparison.Ordinal);
        Assert.DoesNotContain("socialRiskFactors", RequestWriter.ToJson(without), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownSocialRiskFactor_NamesItsPlace()
    {
        var json = JsonNode.Parse(new RequestBuilder().Json())!.AsObject();
        json["member"]!["socialRiskFactors"] = new JsonArray("dual-eligible", "homeless");

        var error = Assert.Single(TestCatalogue.Errors(json.ToJsonString()));

        Assert.Equal("member.socialRiskFactors[1]", error.Field);
        Assert.Contains("low-income-subsidy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PlanIdInOtherCase_IsUnknownPlan()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Plan("Standard")));

        Assert.Equal("member.planId", error.Field);
    }

    [Theory]
    [InlineData("kind", "preauth")]
    [InlineData("kind", "Claim")]
    [InlineData("kind", "prior_authorization")]
    [InlineData("priority", "urgent")]
    public void Read_UnknownRequestEnumeration_NamesField(string field, string value)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set(field, value)));

        Assert.Equal(field, error.Field);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind", "claim", RequestKind.Claim)]
    [InlineData("kind", "prior-authorization", RequestKind.PriorAuthorization)]
    public void Read_KnownKind_IsRead(string field, string value, RequestKind expected)
    {
        var request = TestCatalogue.Request(new RequestBuilder().Set(field, value).Json());

        Assert.Equal(expected, request.Kind);
    }

    [Fact]
    public void Read_ExpeditedPriority_IsRead()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Set("priority", "expedited").Json());

        Assert.Equal(RequestPriority.Expedited, request.Priority);
    }

    [Theory]
    [InlineData("focality", "single")]
    [InlineData("her2Status", "equivocal")]
    [InlineData("nodalStatus", "N4")]
    [InlineData("histology", "lobular")]
    [InlineData("genomicRisk", "")]
    public void Read_UnknownClinicalCode_NamesFact(string fact, string value)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Fact(fact, value)));

        Assert.Equal("clinical." + fact, error.Field);
    }

    public static TheoryData<string, string> WrongTypes() => new()
    {
        { "tumorSizeCm", "\"1.2\"" },
        { "tumorSizeCm", "true" },
        { "recurrent", "\"no\"" },
        { "recurrent", "0" },
        { "recurrent", "\"false\"" },
        { "focality", "1" },
        { "ki67Percent", "[8]" },
        { "erStatus", "{ \"value\": \"positive\" }" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Read_ClinicalFactOfWrongType_NamesFact(string fact, string json)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().RawFact(fact, JsonNode.Parse(json))));

        Assert.Equal("clinical." + fact, error.Field);
    }

    [Theory]
    [InlineData("ki67Percent", 101)]
    [InlineData("ki67Percent", -0.1)]
    [InlineData("tumorSizeCm", -1)]
    [InlineData("tumorSizeCm", 30.5)]
    public void Read_ClinicalNumberOutOfRange_NamesFact(string fact, double value)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Fact(fact, value)));

        Assert.Equal("clinical." + fact, error.Field);
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ki67Percent", 0)]
    [InlineData("ki67Percent", 100)]
    [InlineData("tumorSizeCm", 0)]
    [InlineData("tumorSizeCm", 30)]
    public void Read_ClinicalNumberOnRangeBoundary_IsAccepted(string fact, double value)
    {
        var request = TestCatalogue.Request(new RequestBuilder().Fact(fact, value).Json());

        Assert.True(request.Clinical.TryGet(fact, out var read));
        Assert.Equal(value, read.Number);
    }

    [Fact]
    public void Read_UnknownTopLevelField_NamesIt()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("dateofservice", "2026-05-04")));

        Assert.Equal("dateofservice", error.Field);
    }

    [Fact]
    public void Read_UnknownMemberField_NamesIt()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().MemberField("plan", "standard")));

        Assert.Equal("member.plan", error.Field);
    }

    [Fact]
    public void Read_UnknownLineField_NamesIt()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "modifier", "RT")));

        Assert.Equal("serviceLines[0].modifier", error.Field);
    }

    [Fact]
    public void Read_MisspeltClinicalFact_NamesIt()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Fact("ki67percent", 8)));

        Assert.Equal("clinical.ki67percent", error.Field);
    }

    [Fact]
    public void Read_DuplicateSequence_NamesSecondLine()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().AddLine("19499", "RFA", sequence: 1)));

        Assert.Equal("serviceLines[1].sequence", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10000)]
    public void Read_SequenceOutOfRange_NamesField(int sequence)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "sequence", sequence)));

        Assert.Equal("serviceLines[0].sequence", error.Field);
    }

    [Fact]
    public void Read_FractionalSequence_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "sequence", 1.5)));

        Assert.Equal("serviceLines[0].sequence", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Read_UnitsNotPositive_NamesField(int units)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "units", units)));

        Assert.Equal("serviceLines[0].units", error.Field);
    }

    [Fact]
    public void Read_BirthDateAfterDateOfService_NamesBirthDate()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().BirthDate("2026-05-05")));

        Assert.Equal("member.birthDate", error.Field);
    }

    [Fact]
    public void Read_BirthDateOnDateOfService_IsAccepted()
    {
        var request = TestCatalogue.Request(new RequestBuilder().BirthDate("2026-05-04").Json());

        Assert.Equal(new DateOnly(2026, 5, 4), request.Member.BirthDate);
    }

    [Fact]
    public void Read_MalformedBirthDate_NamesBirthDate()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().BirthDate("1950-02-30")));

        Assert.Equal("member.birthDate", error.Field);
    }

    [Fact]
    public void Read_DerivedAgeInClinical_NamesFact()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Fact("ageYears", 76)));

        Assert.Equal("clinical.ageYears", error.Field);
        Assert.Contains("birthDate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SeveralErrors_ReportsEachWithItsField()
    {
        var errors = TestCatalogue.Errors(new RequestBuilder()
            .Date("2026-13-40").Plan("gold").Line("ABCDE").Diagnoses("XYZ").Fact("focality", "single"));

        Assert.Equal(
            ["clinical.focality", "dateOfService", "diagnoses[0]", "member.planId", "serviceLines[0].code"],
            errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_ErrorMessage_ReadsAsFieldThenReason()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Plan("gold")));

        Assert.StartsWith("member.planId: ", error.ToString(), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ valid edge cases

    [Fact]
    public void Read_PlanIdAbsent_DefaultsToStandard()
    {
        var request = TestCatalogue.Request(new RequestBuilder().NoPlan().Json());

        Assert.Equal("standard", request.Member.PlanId);
    }

    [Fact]
    public void Read_PlanIdNull_DefaultsToStandard()
    {
        var request = TestCatalogue.Request(new RequestBuilder().MemberField("planId", null).Json());

        Assert.Equal("standard", request.Member.PlanId);
    }

    [Fact]
    public void Read_MemberAbsent_DefaultsToStandardPlanWithoutBirthDate()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Remove("member").Json());

        Assert.Equal("standard", request.Member.PlanId);
        Assert.Null(request.Member.BirthDate);
    }

    [Fact]
    public void Read_ClinicalNull_HasNoFacts()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Set("clinical", null).Json());

        Assert.Equal(0, request.Clinical.Count);
    }

    [Fact]
    public void Read_ClinicalAbsent_HasNoFacts()
    {
        var request = TestCatalogue.Request(new RequestBuilder().NoClinical().Json());

        Assert.Equal(0, request.Clinical.Count);
    }

    [Fact]
    public void Read_FactNull_IsUnknown()
    {
        var builder = new RequestBuilder().RawFact("tumorSizeCm", null).RawFact("recurrent", null);
        var request = TestCatalogue.Request(builder.Json());

        Assert.False(request.Clinical.TryGet("tumorSizeCm", out _));
        Assert.False(request.Clinical.TryGet("recurrent", out _));
        Assert.True(request.Clinical.TryGet("focality", out _));
        var label = TestCatalogue.EvaluateLine(builder).FdaLabel!;
        Assert.Equal(["tumor-1.5cm-or-smaller", "not-recurrent"], label.Unknown);
    }

    [Theory]
    [InlineData("nodalStatus", "n0", "N0")]
    [InlineData("histology", "IDC", "idc")]
    [InlineData("erStatus", "Positive", "positive")]
    [InlineData("focality", "UNIFOCAL", "unifocal")]
    [InlineData("genomicRisk", "Low", "low")]
    public void Read_ClinicalCodeInAnyCase_IsCanonicalised(string fact, string sent, string canonical)
    {
        var builder = new RequestBuilder().Fact(fact, sent);
        var request = TestCatalogue.Request(builder.Json());

        Assert.True(request.Clinical.TryGet(fact, out var value));
        Assert.Equal(canonical, value.Code);
        Assert.Equal(FdaLabelStatus.OnLabel, TestCatalogue.EvaluateLine(builder).FdaLabel!.Status);
    }

    [Fact]
    public void Read_FullExampleOfContract_IsRead()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Json());

        Assert.Equal("T-1", request.RequestId);
        Assert.Equal(RequestKind.PriorAuthorization, request.Kind);
        Assert.Equal(new DateOnly(2026, 5, 4), request.DateOfService);
        Assert.Equal(new DateOnly(1950, 3, 1), request.Member.BirthDate);
        Assert.Equal(["C50411"], request.Diagnoses);
        var line = Assert.Single(request.ServiceLines);
        Assert.Equal((1, "0581T", 1), (line.Sequence, line.Code, line.Units));
        Assert.Equal(17, request.Clinical.Count);
    }

    [Fact]
    public void Read_OptionalFieldsAbsent_UseDefaults()
    {
        var request = TestCatalogue.Request("""{ "dateOfService": "2026-05-04", "serviceLines": [ { "code": "0581T" } ] }""");

        Assert.Null(request.RequestId);
        Assert.Equal(RequestKind.PriorAuthorization, request.Kind);
        Assert.Equal("standard", request.Member.PlanId);
        Assert.Empty(request.Diagnoses);
        var line = Assert.Single(request.ServiceLines);
        Assert.Equal(1, line.Sequence);
        Assert.Equal(1, line.Units);
        Assert.Null(line.Description);
        Assert.Equal(0, request.Clinical.Count);
    }

    [Fact]
    public void Read_Utf8Bytes_SameAsString()
    {
        var json = new RequestBuilder().Json();

        var fromBytes = RequestReader.Read(System.Text.Encoding.UTF8.GetBytes(json), TestCatalogue.Catalogue);

        Assert.True(fromBytes.IsValid);
        Assert.Equal(TestCatalogue.Request(json).DateOfService, fromBytes.Request!.DateOfService);
    }

    // ------------------------------------------------------------ ids and codes are printable ASCII (security issue 12)

    [Theory]
    [InlineData("\u212A0001", "U+212A at position 1")] // Kelvin sign: a K to case-insensitive matching
    [InlineData("\uFF10\uFF15\uFF18\uFF11T", "U+FF10 at position 1")] // fullwidth digits
    [InlineData("0581\u0422", "U+0422 at position 5")] // Cyrillic capital te
    [InlineData("19\u200B499", "U+200B at position 3")] // zero-width space
    [InlineData("0581T\u202E", "U+202E at position 6")] // right-to-left override
    [InlineData("0581T\n", "U+000A at position 6")]
    public void Read_ProcedureCodeNotPrintableAscii_NamesLineCode(string code, string found)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Line(code)));

        Assert.Equal("serviceLines[0].code", error.Field);
        Assert.Equal($"must be printable ASCII (found {found})", error.Message);
    }

    [Theory]
    [InlineData("C50.41\uFF11")]
    [InlineData("\u212A50.411")]
    [InlineData("C50\u200B.411")]
    [InlineData("\u0421\u0035\u0030.411")]
    public void Read_DiagnosisNotPrintableAscii_NamesDiagnosisIndex(string code)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Diagnoses("C50.411", code)));

        Assert.Equal("diagnoses[1]", error.Field);
        Assert.StartsWith("must be printable ASCII (found U+", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("L\u0422")]
    [InlineData("\u212A\u212A")]
    [InlineData("\uFF15\uFF10")]
    public void Read_ModifierNotPrintableAscii_NamesModifier(string modifier)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().LineField(0, "modifiers", new JsonArray(modifier))));

        Assert.Equal("serviceLines[0].modifiers[0]", error.Field);
        Assert.StartsWith("must be printable ASCII", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("T-\u202E1", "U+202E at position 3")]
    [InlineData("T\u200B-1", "U+200B at position 2")]
    [InlineData("T-1\u2066", "U+2066 at position 4")]
    [InlineData("T-\U0001F600", "U+1F600 at position 3")]
    [InlineData("T-1\t2", "U+0009 at position 4")]
    [InlineData("\uFF34-1", "U+FF34 at position 1")]
    public void Read_RequestIdNotPrintableAscii_NamesRequestId(string requestId, string found)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("requestId", requestId)));

        Assert.Equal("requestId", error.Field);
        Assert.Equal($"must be printable ASCII (found {found})", error.Message);
    }

    [Fact]
    public void Read_RequestIdNotPrintableAscii_ReadsAsFieldThenReason()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Set("requestId", "T-\u202E1")));

        Assert.Equal("requestId: must be printable ASCII (found U+202E at position 3)", error.ToString());
    }

    [Theory]
    [InlineData("M-1\u200B")]
    [InlineData("M\u200F-1")]
    [InlineData("\u041C-1")]
    public void Read_MemberIdNotPrintableAscii_NamesMemberId(string memberId)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().MemberField("id", memberId)));

        Assert.Equal("member.id", error.Field);
        Assert.StartsWith("must be printable ASCII", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("st\u0430ndard")] // Cyrillic a
    [InlineData("\u017Ftandard")] // long s, which upper-cases to S
    [InlineData("standard\u200B")]
    public void Read_PlanIdNotPrintableAscii_NamesPlanIdAndNotUnknownPlan(string planId)
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Plan(planId)));

        Assert.Equal("member.planId", error.Field);
        Assert.StartsWith("must be printable ASCII", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DateWithFullwidthDigits_NamesField()
    {
        var error = Assert.Single(TestCatalogue.Errors(new RequestBuilder().Date("\uFF12\uFF10\uFF12\uFF16-05-04")));

        Assert.Equal("dateOfService", error.Field);
    }

    [Fact]
    public void Read_PrintableAsciiIdsWithSpaces_AreAccepted()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Set("requestId", "T 1/2 ~ok").MemberField("id", "M 1").Json());

        Assert.Equal("T 1/2 ~ok", request.RequestId);
        Assert.Equal("M 1", request.Member.Id);
    }

    [Fact]
    public void Validate_DraftWithIdsNotPrintableAscii_NamesTheSameFields()
    {
        var draft = new Validation.RequestDraft
        {
            RequestId = "T-\u202E1",
            MemberId = "M\u200B1",
            DateOfService = "2026-05-04",
            Diagnoses = ["\u212A50.411"],
            ServiceLines = [new Validation.ServiceLineDraft { Sequence = 1, Code = "\u212A0001", Modifiers = ["L\u0422"] }],
        };

        var result = Validation.RequestValidator.Validate(draft, TestCatalogue.Catalogue);

        Assert.Equal(
            ["requestId", "member.id", "diagnoses[0]", "serviceLines[0].code", "serviceLines[0].modifiers[0]"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.StartsWith("must be printable ASCII (found U+", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\u212A0001")]
    [InlineData("0581T\n")]
    [InlineData("\uFF10581T")]
    public void CodeFormats_ProcedureCodeOutsideAscii_IsNotAProcedureCode(string code) => Assert.False(CodeFormats.IsProcedureCode(code));

    [Theory]
    [InlineData("\u212A50.411")]
    [InlineData("C50.411\n")]
    [InlineData("C\u0665\u0660.411")] // Arabic-Indic digits
    public void CodeFormats_DiagnosisOutsideAscii_IsNotAnIcd10Code(string code) => Assert.False(CodeFormats.IsIcd10Cm(code));

    [Theory]
    [InlineData("\u212A\u212A")]
    [InlineData("LT\n")]
    public void CodeFormats_ModifierOutsideAscii_IsNotAModifier(string modifier) => Assert.False(CodeFormats.IsModifier(modifier));
}
