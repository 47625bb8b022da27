using Coverage.Engine.Model;
using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>The 837P loops and their mapping to the coverage request (docs/batch.md, "From 837P loops").</summary>
public class Claim837ReaderTests
{
    [Fact]
    public void Read_SubscriberClaim_MapsEveryLoop()
    {
        var record = Assert.Single(Read(File(Subscriber(id: "M123", birth: "19500301"), Claim("CLM1", "20260504"))));

        var request = Request(record);
        Assert.Equal("CLM1", record.ClaimId);
        Assert.Equal("CLM1", request.RequestId);
        Assert.Equal(RequestKind.Claim, request.Kind);
        Assert.Equal("M123", request.Member.Id);
        Assert.Equal(new DateOnly(1950, 3, 1), request.Member.BirthDate);
        Assert.Equal("standard", request.Member.PlanId);
        Assert.Equal(new DateOnly(2026, 5, 4), request.DateOfService);
        Assert.Equal(["C50411", "Z170"], request.Diagnoses);
        var line = Assert.Single(request.ServiceLines);
        Assert.Equal((1, "0581T", 1), (line.Sequence, line.Code, line.Units));
        Assert.Equal(["LT"], line.Modifiers);
        Assert.Null(line.Description);
    }

    [Fact]
    public void Read_ServiceLines_CarryModifiersDescriptionUnitsAndTheirOwnDates()
    {
        var claim = "CLM*C2*900***11:B:1*Y*A*Y*Y~HI*ABK:C50811~" +
            "LX*1~SV1*HC:19499:RT:59:XS:76:US-guided microwave ablation, right breast*800*UN*1***1~DTP*472*D8*20260402~" +
            "LX*2~SV1*HC:76942*240*UN*2***1~DTP*472*RD8*20260401-20260403~" +
            "LX*3~SV1*HC:19499:::::Excision of breast lesion*100*UN*1***1~DTP*472*D8*20260405~";

        var request = Request(Assert.Single(Read(File(Subscriber(), claim))));

        Assert.Equal(new DateOnly(2026, 4, 1), request.DateOfService); // the earliest line date (RD8: its first day)
        Assert.Equal([1, 2, 3], request.ServiceLines.Select(l => l.Sequence));
        Assert.Equal(["RT", "59", "XS", "76"], request.ServiceLines[0].Modifiers);
        Assert.Equal("US-guided microwave ablation, right breast", request.ServiceLines[0].Description);
        Assert.Equal(new DateOnly(2026, 4, 2), request.ServiceLines[0].DateOfService);
        Assert.Equal(2, request.ServiceLines[1].Units);
        Assert.Null(request.ServiceLines[1].DateOfService); // the claim's own date
        Assert.Empty(request.ServiceLines[2].Modifiers);
        Assert.Equal("Excision of breast lesion", request.ServiceLines[2].Description);

        var determination = TestCatalogue.Evaluator.Evaluate(request);
        Assert.Equal("microwave-ablation", determination.Lines[0].Modality);
        Assert.Equal(LineOutcome.NotAddressed, determination.Lines[2].Outcome);
    }

    [Fact]
    public void Read_ClaimLevelServiceDate_AppliesToLinesWithoutTheirOwn()
    {
        var claim = "CLM*C3*240***11:B:1*Y*A*Y*Y~DTP*431*D8*20260301~DTP*472*D8*20260410~HI*ABK:C50411~LX*1~SV1*HC:76942*240*UN*1***1~";

        var request = Request(Assert.Single(Read(File(Subscriber(), claim))));

        Assert.Equal(new DateOnly(2026, 4, 10), request.DateOfService);
    }

    [Fact]
    public void Read_DependentPatient_TakesThePatientsBirthDateAndTheSubscribersId()
    {
        var request = Request(Assert.Single(Read(File(Dependent(subscriberId: "M500", subscriberBirth: "19480101", patientBirth: "19520615"), Claim()))));

        Assert.Equal("M500", request.Member.Id);
        Assert.Equal(new DateOnly(1952, 6, 15), request.Member.BirthDate);
    }

    [Fact]
    public void Read_DependentPatientWithAnIdOfItsOwn_TakesIt()
    {
        var request = Request(Assert.Single(Read(File(Dependent(patientId: "P77"), Claim()))));

        Assert.Equal("P77", request.Member.Id);
    }

    [Fact]
    public void Read_OtherSubscriberLoopsInsideTheClaim_DoNotChangeTheMember()
    {
        // 2320/2330A: another payer's subscriber, also an NM1*IL, after the CLM.
        var claim = "CLM*C4*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~SBR*S*01*999******CI~NM1*IL*1*OTHER*PERSON****MI*X999~" +
            "LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~";

        var request = Request(Assert.Single(Read(File(Subscriber(id: "M123"), claim))));

        Assert.Equal("M123", request.Member.Id);
    }

    [Fact]
    public void Read_PlanMap_MapsTheSubscriberGroupToAPlan()
    {
        var plans = PlanMap.Parse(new StringReader("group_number,plan_id\n100310,example-fda-cryo-rider\n")).Map!;

        var records = Read(File(Subscriber(hl: 2, group: "100310"), Claim("A"), Subscriber(hl: 3, group: "777"), Claim("B")), plans);

        Assert.Equal("example-fda-cryo-rider", Request(records[0]).Member.PlanId);
        Assert.Equal("standard", Request(records[1]).Member.PlanId);
    }

    [Fact]
    public void Read_SeveralClaimsSubscribersTransactionsAndGroups_KeepsFileOrder()
    {
        var text =
            Interchange("000000001",
                Group("1",
                    Transaction("0001", Provider, Subscriber(hl: 2), Claim("A1"), Claim("A2"), Dependent(hl: 3), Claim("A3")),
                    Transaction("0002", Provider, Subscriber(hl: 2), Claim("B1"))),
                Group("2", Transaction("0003", Provider, Subscriber(hl: 2), Claim("C1")))) +
            Interchange("000000002", Group("3", Transaction("0001", Provider, Subscriber(hl: 2), Claim("D1"))));

        var records = Read(text);

        Assert.Equal(["A1", "A2", "A3", "B1", "C1", "D1"], records.Select(r => r.ClaimId));
        Assert.All(records, r => Assert.False(r.IsRejected, string.Join("; ", r.Errors)));
    }

    [Fact]
    public void Read_CustomDelimitersWithoutLineBreaks_MapTheSame()
    {
        var text = File(Subscriber(), "CLM*C5*900***11:B:1*Y*A*Y*Y~HI*ABK:C50811*ABF:Z170~LX*1~SV1*HC:19499:LT::::Cryoablation, left breast*800*UN*1***1~DTP*472*D8*20260402~");
        var standard = Request(Assert.Single(Read(text)));

        var custom = Request(Assert.Single(Read(Delimit(text, '|', '>', '!', '\u001E'))));

        Assert.Equal(Engine.Json.RequestWriter.ToJson(standard), Engine.Json.RequestWriter.ToJson(custom));
    }

    [Fact]
    public void Read_ClaimWithoutLines_IsRejectedAtItsClm()
    {
        var text = File(Subscriber(), "CLM*EMPTY*0***11:B:1*Y*A*Y*Y~HI*ABK:C50411~", Claim("NEXT"));

        var records = Read(text);

        var error = Assert.Single(records[0].Errors);
        Assert.Equal("EMPTY", records[0].ClaimId);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "CLM*EMPTY")), error.Position);
        Assert.Contains("no service lines", error.Message, StringComparison.Ordinal);
        Assert.False(records[1].IsRejected);
    }

    [Theory]
    [InlineData("DTP*472*D8*20261340", "'20261340' is not a valid D8 date")]
    [InlineData("DTP*472*D8*2026054", "'2026054' is not a valid D8 date")]
    [InlineData("DTP*472*RD8*20260510-20260501", "not a valid RD8 date range")]
    [InlineData("DTP*472*DT*202605041200", "is not D8")]
    public void Read_BadServiceDate_RejectsTheClaimAtTheDtp(string dtp, string reason)
    {
        var text = File(Subscriber(), $"CLM*BAD*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~{dtp}~", Claim("GOOD"));

        var records = Read(text);

        var error = Assert.Single(records[0].Errors);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "DTP*472")), error.Position);
        Assert.Equal("serviceLines[0].dateOfService", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(records[1].IsRejected);
    }

    [Fact]
    public void Read_BadOnsetDate_RejectsTheClaimToo()
    {
        var text = File(Subscriber(), "CLM*BAD*6200***11:B:1*Y*A*Y*Y~DTP*431*D8*20260231~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~");

        var error = Assert.Single(Assert.Single(Read(text)).Errors);

        Assert.Contains("DTP*431", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LineWithoutAnyDate_IsRejected()
    {
        var text = File(Subscriber(), "CLM*NODATE*240***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:76942*240*UN*1***1~");

        var error = Assert.Single(Assert.Single(Read(text)).Errors);

        Assert.Equal("serviceLines[0].dateOfService", error.Field);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "LX*1")), error.Position);
    }

    [Fact]
    public void Read_BadBirthDate_RejectsTheSubscribersClaimsAtTheDmg()
    {
        var text = File(Subscriber(hl: 2, birth: "19501301"), Claim("A"), Claim("B"), Subscriber(hl: 3), Claim("C"));

        var records = Read(text);

        Assert.Equal(["A", "B", "C"], records.Select(r => r.ClaimId));
        foreach (var rejected in records.Take(2))
        {
            var error = Assert.Single(rejected.Errors);
            Assert.Equal("member.birthDate", error.Field);
            Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "DMG*D8*19501301")), error.Position);
        }
        Assert.False(records[2].IsRejected);
    }

    [Fact]
    public void Read_SubscriberLoopWithAnErrorAndNoClaims_IsOneRejectedRecord()
    {
        var text = File(Subscriber(hl: 2, birth: "1950"), Subscriber(hl: 3), Claim("C"));

        var records = Read(text);

        Assert.Equal(2, records.Count);
        Assert.Null(records[0].ClaimId);
        Assert.Contains("DMG02", records[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.False(records[1].IsRejected);
    }

    [Theory]
    [InlineData("HI*BK:1749", "'BK' is an ICD-9-CM qualifier: diagnoses are read in ICD-10-CM")]
    [InlineData("HI*ABF:Z170*ABK:C50411", "before the principal diagnosis")]
    [InlineData("HI*ABK:C50411*ABK:C50412", "must come first, once")]
    [InlineData("HI*APR:C50411", "not a diagnosis qualifier")]
    [InlineData("HI*ABK:", "required")]
    public void Read_BadDiagnosisQualifiers_RejectTheClaimAtTheHi(string hi, string reason)
    {
        var text = File(Subscriber(), $"CLM*C*6200***11:B:1*Y*A*Y*Y~{hi}~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~");

        var record = Assert.Single(Read(text));

        Assert.Contains(record.Errors, e => e.Message.Contains(reason, StringComparison.Ordinal) && e.Position == RecordPosition.Segment(SegmentNumber(text, "HI*")));
    }

    [Theory]
    [InlineData("SV1*ER:0581T*6200*UN*1***1", "not HC")]
    [InlineData("SV1*HC*6200*UN*1***1", "SV101-2: required")]
    [InlineData("SV1*HC:0581T*6200*UN*1x***1", "SV104: '1x' is not a number")]
    [InlineData("SV1*HC:0581T*6200*DA*1***1", "SV103 'DA' is not UN (units) or MJ (minutes)")]
    [InlineData("SV1*HC:0581T*6200*UN", "SV104: required")]
    [InlineData("SV1*HC:0581T**UN*1***1", "SV102: required (the line's charge)")]
    [InlineData("SV1*HC:0581T*62OO*UN*1***1", "SV102: '62OO' is not an amount")]
    [InlineData("SV1*HC:0581T*-6200*UN*1***1", "SV102: '-6200' is not an amount")]
    public void Read_BadProcedure_RejectsTheClaimAtTheSv1(string sv1, string reason)
    {
        var text = File(Subscriber(), $"CLM*C*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~{sv1}~DTP*472*D8*20260504~");

        var error = Assert.Single(Assert.Single(Read(text)).Errors);

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "SV1")), error.Position);
    }

    [Fact]
    public void Read_LineWithoutSv1AndSv1WithoutLine_AreErrors()
    {
        var withoutSv1 = Assert.Single(Read(File(Subscriber(), "CLM*C*1***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~DTP*472*D8*20260504~")));
        var withoutLx = Assert.Single(Read(File(Subscriber(), "CLM*C*1***11:B:1*Y*A*Y*Y~HI*ABK:C50411~SV1*HC:0581T*6200*UN*1***1~")));

        Assert.Contains(withoutSv1.Errors, e => e.Message.Contains("has no SV1", StringComparison.Ordinal));
        Assert.Contains(withoutLx.Errors, e => e.Message.Contains("SV1 without an LX", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_MalformedSegmentInsideAClaim_RejectsOnlyThatClaim()
    {
        var text = File(Subscriber(), "CLM*BAD*6200***11:B:1*Y*A*Y*Y~N@TE*ADD*X~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~", Claim("GOOD"));

        var records = Read(text);

        var error = Assert.Single(records[0].Errors);
        Assert.StartsWith("malformed segment", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "N@TE")), error.Position);
        Assert.False(records[1].IsRejected);
    }

    [Fact]
    public void Read_ClaimWithoutId_IsRejected()
    {
        var record = Assert.Single(Read(File(Subscriber(), "CLM**6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~")));

        Assert.Null(record.ClaimId);
        Assert.Contains(record.Errors, e => e.Message.Contains("CLM01", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ClaimOutsideASubscriberLoop_IsRejected()
    {
        var record = Assert.Single(Read(File(Claim("LOST"))));

        Assert.Contains(record.Errors, e => e.Message.Contains("not inside a subscriber", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadDiagnosisCode_NamesTheFieldAndTheHiSegment()
    {
        var text = File(Subscriber(), "CLM*C*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411*ABF:C5X1~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~");

        var error = Assert.Single(Errors(Assert.Single(Read(text))));

        Assert.Equal("diagnoses[1]", error.Field);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "HI*")), error.Position);
    }

    [Fact]
    public void Validate_BadProcedureCodeOnTheSecondLine_NamesItsSv1()
    {
        var text = File(Subscriber(), "CLM*C*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~LX*2~SV1*HC:76X42*240*UN*1***1~DTP*472*D8*20260504~");

        var error = Assert.Single(Errors(Assert.Single(Read(text))));

        Assert.Equal("serviceLines[1].code", error.Field);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "SV1*HC:76X42")), error.Position);
    }

    [Fact]
    public void Validate_BirthAfterTheDateOfService_NamesTheDmg()
    {
        var text = File(Subscriber(birth: "20270101"), Claim());

        var error = Assert.Single(Errors(Assert.Single(Read(text))));

        Assert.Equal("member.birthDate", error.Field);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "DMG")), error.Position);
    }

    [Fact]
    public void Validate_DuplicateLineNumbers_NameTheSecondLx()
    {
        var text = File(Subscriber(), "CLM*C*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:0581T*6200*UN*1***1~DTP*472*D8*20260504~LX*1~SV1*HC:76942*240*UN*1***1~DTP*472*D8*20260504~");

        var error = Assert.Single(Errors(Assert.Single(Read(text))));

        Assert.Equal("serviceLines[1].sequence", error.Field);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "SV1*HC:76942") - 1), error.Position); // the second LX
    }

    [Fact]
    public void Read_ClaimWithMoreThan999Lines_IsRejectedOnce()
    {
        var lines = string.Concat(Enumerable.Range(1, 1100).Select(i => $"LX*{i}~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20260504~"));

        var records = Read(File(Subscriber(), "CLM*BIG*1***11:B:1*Y*A*Y*Y~HI*ABK:E119~" + lines, Claim("NEXT")));

        Assert.Contains("more than 999 service lines", Assert.Single(records[0].Errors).Message, StringComparison.Ordinal);
        Assert.False(records[1].IsRejected);
    }

    [Fact]
    public void Read_ManyMalformedSegments_KeepAtMostAHundredProblems()
    {
        var record = Assert.Single(Read(File(Subscriber(), Claim("C") + string.Concat(Enumerable.Repeat("N@TE*X~", 500)))));

        Assert.Equal(ClaimDraft.MaxErrors, record.Errors.Count);
    }

    [Fact]
    public void Read_SexAndPlacesOfService_FromDmg03Clm05AndSv105()
    {
        var claim = "CLM*C9*900***22:B:1*Y*A*Y*Y~HI*ABK:C50411~" +
            "LX*1~SV1*HC:0581T*800*UN*1***1~DTP*472*D8*20260402~" +
            "LX*2~SV1*HC:76942*100*UN*1*11**1~DTP*472*D8*20260402~";

        var request = Request(Assert.Single(Read(File(Dependent(), claim))));

        Assert.Equal("female", request.Member.Sex); // the patient's DMG03, not the subscriber's
        Assert.Equal("22", request.PlaceOfService);
        Assert.Null(request.ServiceLines[0].PlaceOfService); // the claim's
        Assert.Equal("11", request.ServiceLines[1].PlaceOfService);
    }

    [Fact]
    public void Read_UnknownSex_IsNotStated()
    {
        var request = Request(Assert.Single(Read(File(Subscriber().Replace("*19500301*F~", "*19500301*U~", StringComparison.Ordinal), Claim()))));

        Assert.Null(request.Member.Sex);
    }

    [Fact]
    public void Read_GenderCodeNotOfTheGuide_RejectsTheClaimNamingDmg03()
    {
        var record = Assert.Single(Read(File(Subscriber().Replace("*19500301*F~", "*19500301*X~", StringComparison.Ordinal), Claim())));

        Assert.True(record.IsRejected);
        Assert.Contains(record.Errors, e => e.Field == "member.sex" && e.Message.Contains("DMG03 'X'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PlaceOfServiceNotACode_NamesTheFieldAtTheClm()
    {
        var text = File(Subscriber(), Claim().Replace("***11:B:1*", "***1A:B:1*", StringComparison.Ordinal));

        var error = Assert.Single(Errors(Assert.Single(Read(text))));

        Assert.Equal("placeOfService", error.Field);
        Assert.Contains("'1A' is not a CMS place-of-service code", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "CLM*CLM1")), error.Position);
    }

    [Fact]
    public void Read_FractionalUnitsAndAnesthesiaMinutes_AreKeptWithTheirUnitOfMeasure()
    {
        // SV104 is a decimal in the guide; SV103 MJ makes it minutes of anesthesia, not units.
        var claim = "CLM*U1*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" +
            "LX*1~SV1*HC:J9355*800*UN*1.5***1~DTP*472*D8*20260504~" +
            "LX*2~SV1*HC:01916*100*MJ*45***1~DTP*472*D8*20260504~";

        var request = Request(Assert.Single(Read(File(Subscriber(), claim))));

        Assert.Equal((1.5m, UnitOfMeasure.Unit), (request.ServiceLines[0].Units, request.ServiceLines[0].UnitOfMeasure));
        Assert.Equal((45m, UnitOfMeasure.Minutes), (request.ServiceLines[1].Units, request.ServiceLines[1].UnitOfMeasure));
        Assert.Contains("\"units\":45,\"unitOfMeasure\":\"minutes\"", Coverage.Engine.Json.RequestWriter.ToJson(request), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnitsWithMoreThanThreeDecimals_NamesTheField()
    {
        var claim = "CLM*U2*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:J9355*800*UN*1.2345***1~DTP*472*D8*20260504~";

        var error = Assert.Single(Errors(Assert.Single(Read(File(Subscriber(), claim)))));

        Assert.Equal("serviceLines[0].units", error.Field);
        Assert.Contains("at most 3 decimals, not 1.2345", error.Message, StringComparison.Ordinal);
    }
}
