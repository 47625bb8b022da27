using Coverage.Claims.Csv;
using Coverage.Engine.Model;

namespace Coverage.Claims.Tests.Csv;

/// <summary>CSV of claim lines: one row per line, consecutive rows of a claim id form the claim (docs/batch.md).</summary>
public class ClaimCsvReaderTests
{
    private const string Header = "claim_id,line,member_id,birth_date,plan_id,diagnoses,date_of_service,code,modifiers,description,units\n";

    private static List<ClaimRecord> Read(string csv) => new ClaimCsvReader(new StringReader(csv)).Read().ToList();

    private static CoverageRequest Request(ClaimRecord record)
    {
        var (request, errors) = record.Validate(TestCatalogue.Catalogue);
        Assert.True(request is not null, string.Join("; ", errors));
        return request!;
    }

    [Fact]
    public void Read_ListsLongerThanAreHeld_RejectTheClaim()
    {
        // An 8 KiB field lists thousands of codes, each kept on each of 999 lines.
        var many = string.Join(";", Enumerable.Repeat("Z17.0", 150));
        var modifiers = string.Join(";", Enumerable.Repeat("LT", 150));

        var records = Read(Header +
            $"C1,1,M1,,,C50.411;{many},2026-05-04,0581T,,,1\n" +
            $"C1,2,,,,C50.411;{many},2026-05-04,76942,,,1\n" +
            $"C2,1,M2,,,C50.411,2026-05-04,0581T,{modifiers},,1\n");

        var diagnoses = Assert.Single(records[0].Errors);
        Assert.Equal(("diagnoses", "the claim has more than 99 diagnoses"), (diagnoses.Field, diagnoses.Message));
        var modifier = Assert.Single(records[1].Errors);
        Assert.Equal(("serviceLines[0].modifiers", "modifiers: more than 99"), (modifier.Field, modifier.Message));
    }

    [Fact]
    public void Read_ConsecutiveRows_FormOneClaimWithClaimLevelColumnsFromTheFirst()
    {
        var records = Read(Header +
            "C1,1,M1,1950-03-01,example-fda-cryo-rider,C50.411;Z17.0,2026-05-04,0581T,LT,\"US-guided cryoablation, left breast\",1\n" +
            "C1,2,,,,,2026-05-03,76942,,,2\n" +
            "C2,1,M2,1960-01-01,,E11.9,2026-05-04,99213,,,1\n");

        Assert.Equal(["C1", "C2"], records.Select(r => r.ClaimId));
        var request = Request(records[0]);
        Assert.Equal("C1", request.RequestId);
        Assert.Equal(RequestKind.Claim, request.Kind);
        Assert.Equal(("M1", new DateOnly(1950, 3, 1), "example-fda-cryo-rider"), (request.Member.Id, request.Member.BirthDate, request.Member.PlanId));
        Assert.Equal(["C50411", "Z170"], request.Diagnoses);
        Assert.Equal(new DateOnly(2026, 5, 3), request.DateOfService);
        Assert.Equal(["LT"], request.ServiceLines[0].Modifiers);
        Assert.Equal("US-guided cryoablation, left breast", request.ServiceLines[0].Description);
        Assert.Equal(new DateOnly(2026, 5, 4), request.ServiceLines[0].DateOfService);
        Assert.Equal(2, request.ServiceLines[1].Units);
        Assert.Equal("standard", Request(records[1]).Member.PlanId);
    }

    [Fact]
    public void Read_ColumnsInAnyOrderAnyCaseWithExtras_AndOptionalColumnsMissing()
    {
        var records = Read("Code,Date_Of_Service,Charge,CLAIM_ID\r\n0581T,2026-05-04,6200.00,C1\r\n\r\n19499,2026-05-04,100,C1\r\n");

        var request = Request(Assert.Single(records));
        Assert.Equal([1, 2], request.ServiceLines.Select(l => l.Sequence));
        Assert.Equal("standard", request.Member.PlanId);
        Assert.Empty(request.Diagnoses);
    }

    [Fact]
    public void Read_ChargeColumn_AnAmountIsKept_AnEmptyCellStatesNone_AnythingElseRejectsTheClaim()
    {
        var records = Read("claim_id,code,date_of_service,charge\n" +
            "C1,0581T,2026-05-04,6200.50\nC1,19499,2026-05-04,\n" +
            "C2,0581T,2026-05-04,$6200\n" +
            "C3,0581T,2026-05-04,-10\n");

        Assert.Equal(["C1", "C2", "C3"], records.Select(r => r.ClaimId));
        Assert.False(records[0].IsRejected);
        Assert.Equal([6200.50m, null], records[0].LineCharges);
        var dollar = Assert.Single(records[1].Errors);
        Assert.Equal("serviceLines[0].charge", dollar.Field);
        Assert.Contains("charge: '$6200' is not an amount", dollar.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Line(4), dollar.Position);
        Assert.Contains("charge: '-10' is not an amount", Assert.Single(records[2].Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_QuotedFieldsWithQuotesAndLineBreaks_KeepLineNumbersRight()
    {
        var records = Read(Header +
            "C1,1,M1,,,C50.811,2026-05-04,19499,,\"Microwave \"\"MWA\"\"\nablation, breast\",1\n" +
            "C2,1,M2,,,C50.811,2026-13-40,19499,,,1\n");

        Assert.Equal("Microwave \"MWA\"\nablation, breast", Request(records[0]).ServiceLines[0].Description);
        var (_, errors) = records[1].Validate(TestCatalogue.Catalogue);
        var error = Assert.Single(errors);
        Assert.Equal(RecordPosition.Line(4), error.Position);
        Assert.Equal("dateOfService", error.Field);
    }

    [Fact]
    public void Read_MissingRequiredColumns_CannotBeReadAtAll()
    {
        var e = Assert.Throws<ClaimFileException>(() => Read("claim_id,code\nC1,0581T\n"));

        Assert.Contains("date_of_service", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ColumnNamedTwice_CannotBeReadAtAll()
    {
        Assert.Throws<ClaimFileException>(() => Read("claim_id,code,date_of_service,code\nC1,0581T,2026-05-04,0581T\n"));
    }

    [Fact]
    public void Read_EmptyFile_HasNoRecords()
    {
        Assert.Empty(Read(""));
        Assert.Empty(Read(Header));
    }

    [Theory]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,0581T,,\"closed\"x,1\n", "after the closing quote")]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,0581T,,bad\"quote,1\n", "a quote inside unquoted field")]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,0581T,,,1,EXTRA\n", "12 fields where the header has 11")]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,0581T,,\n", "10 fields where the header has 11")]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,,,,1\n", "code: required")]
    [InlineData("C1,1,M1,,,C50.411,,0581T,,,1\n", "date_of_service: required")]
    [InlineData("C1,one,M1,,,C50.411,2026-05-04,0581T,,,1\n", "'one' is not a line number")]
    [InlineData("C1,1,M1,,,C50.411,2026-05-04,0581T,,,1x\n", "units: '1x' is not a number")]
    public void Read_BadRow_RejectsTheClaimAtItsLine(string row, string reason)
    {
        var records = Read(Header + "C0,1,M0,,,E11.9,2026-05-04,99213,,,1\n" + row + "C9,1,M9,,,E11.9,2026-05-04,99213,,,1\n");

        Assert.Equal(["C0", "C1", "C9"], records.Select(r => r.ClaimId));
        var error = Assert.Single(records[1].Errors, e => e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.Equal(RecordPosition.Line(3), error.Position);
        Assert.False(records[0].IsRejected);
        Assert.False(records[2].IsRejected);
    }

    [Fact]
    public void Read_UnterminatedQuote_RunsToTheEndOfTheFileAndRejectsThatClaim()
    {
        var records = Read(Header + "C0,1,M0,,,E11.9,2026-05-04,99213,,,1\nC1,1,M1,,,,2026-05-04,0581T,,\"unterminated,1\nC9,1,M9,,,E11.9,2026-05-04,99213,,,1\n");

        Assert.Equal(["C0", "C1"], records.Select(r => r.ClaimId));
        Assert.Contains(records[1].Errors, e => e.Message.Contains("ends inside a quoted field that starts on line 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_LaterRowDisagreeingWithTheFirst_RejectsTheClaimAtThatRow()
    {
        var records = Read(Header +
            "C1,1,M1,1950-03-01,,C50.411,2026-05-04,0581T,,,1\n" +
            "C1,2,M2,1950-03-01,,C50.412,2026-05-04,76942,,,1\n");

        var errors = Assert.Single(records).Errors;
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(RecordPosition.Line(3), e.Position));
        Assert.Contains(errors, e => e.Field == "member.id");
        Assert.Contains(errors, e => e.Field == "diagnoses");
    }

    [Fact]
    public void Read_RowWithoutClaimId_IsARejectedRecordOfItsOwn()
    {
        var records = Read(Header + "C1,1,M1,,,,2026-05-04,99213,,,1\n,1,M1,,,,2026-05-04,99213,,,1\nC1,2,M1,,,,2026-05-04,99214,,,1\n");

        Assert.Equal(3, records.Count);
        Assert.Null(records[1].ClaimId);
        Assert.Equal(RecordPosition.Line(3), records[1].Errors[0].Position);
        // Rows of a claim must be consecutive: the read is one pass with constant memory.
        Assert.Equal("C1", records[2].ClaimId);
    }

    [Fact]
    public void Validate_BadValues_NameTheFieldAndTheRow()
    {
        var records = Read(Header +
            "C1,1,M1,1950-03-01,,C50.411,2026-05-04,0581T,LT,,1\n" +
            "C1,2,,,,,2026-05-04,76X42,L,,1\n");

        var (_, errors) = Assert.Single(records).Validate(TestCatalogue.Catalogue);

        Assert.Equal(["serviceLines[1].code", "serviceLines[1].modifiers[0]"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal(RecordPosition.Line(3), e.Position));
    }

    [Fact]
    public void Validate_UnknownPlan_NamesTheFirstRow()
    {
        var (_, errors) = Assert.Single(Read(Header + "C1,1,M1,,gold,,2026-05-04,0581T,,,1\n")).Validate(TestCatalogue.Catalogue);

        var error = Assert.Single(errors);
        Assert.Equal("member.planId", error.Field);
        Assert.Equal(RecordPosition.Line(2), error.Position);
    }

    [Fact]
    public void Read_ClaimWithMoreThan999Lines_IsRejectedWithoutHoldingThem()
    {
        var rows = string.Concat(Enumerable.Range(1, 1200).Select(i => $"BIG,{i},M1,,,,2026-05-04,99213,,,1\n"));

        var record = Assert.Single(Read(Header + rows + "C2,1,M2,,,,2026-05-04,99213,,,1\n"), r => r.ClaimId == "BIG");

        var error = Assert.Single(record.Errors);
        Assert.Contains("more than 999 service lines", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Line(1001), error.Position);
    }
}
