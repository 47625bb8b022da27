using Coverage.Claims.Batch;
using Coverage.Testing;
using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// 837 files written by others, read through the batch's own door (<see cref="ClaimFileFormats.Inspect"/> and
/// <see cref="ClaimFileRecords"/>): the test files of two public X12 parsers, kept verbatim under
/// <c>X12/PublicFiles</c> with their sources and licences (SOURCES.md). Most were written before ICD-10 or break the
/// guide on purpose; each claim is either decided from exactly what the file says or rejected naming why, and the
/// structure around it (byte order mark, CR terminators, indentation, other delimiters, several groups) is read as
/// the file means it.
/// </summary>
public class PublicFileTests
{
    private static string PublicFile(string path) => Path.Combine(RepositoryRoot.Path, "tests", "Coverage.Claims.Tests", "X12", "PublicFiles", path);

    private static List<ClaimRecord> Records(string path)
    {
        var (format, problem) = ClaimFileFormats.Inspect(PublicFile(path));
        Assert.True(problem is null, problem);
        Assert.Equal(ClaimFileFormat.X12, format);
        return [.. ClaimFileRecords.Read(PublicFile(path), ClaimFileFormat.X12, PlanMap.Empty, new BatchProgress())];
    }

    private static IEnumerable<string> Messages(ClaimRecord record) => record.Errors.Select(e => e.Message);

    [Fact]
    public void AnIndentedFile_WithAByteOrderMarkAndCarriageReturnTerminators_IsReadAsWritten()
    {
        // OopFactory's ST1309-XX.txt: UTF-8 with a byte order mark, CR the segment terminator, each segment on its own
        // line indented by its loop's depth. Its ISA was read as wrapped and a space became the terminator: 14 bad
        // "segments" ('Health' is not a segment id) and no claim.
        var record = Assert.Single(Records("oopfactory/ST1309-XX.txt"));

        Assert.Equal("B330004Y", record.ClaimId);
        // Written in 2013, before ICD-10: its one error is the diagnosis code set, at its HI.
        var error = Assert.Single(record.Errors);
        Assert.Equal("diagnoses", error.Field);
        Assert.StartsWith("HI01-1: 'BK' is an ICD-9-CM qualifier: diagnoses are read in ICD-10-CM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIndentedFile_CodedInIcd10_IsDecidedFromItsPatientLoopAndBothLines()
    {
        // The same file with its one HI in ICD-10-CM (S93.401A for ICD-9 845.00), nothing else changed (SOURCES.md).
        var request = Request(Assert.Single(Records("oopfactory/ST1309-XX-icd10.txt")));

        Assert.Equal("B330004Y", request.RequestId);
        Assert.Equal("X9999999", request.Member.Id); // the subscriber's (2010BA): 5010's patient loop has no member id
        Assert.Equal(new DateOnly(1998, 6, 25), request.Member.BirthDate); // the patient's (2010CA), not the subscriber's 1800
        Assert.Equal(["S93401A"], request.Diagnoses);
        Assert.Equal(["99204", "73610"], request.ServiceLines.Select(l => l.Code));
        Assert.Equal(new DateOnly(2013, 3, 12), request.DateOfService);
        Assert.All(request.ServiceLines, l => Assert.Equal(request.DateOfService, l.DateOfService ?? request.DateOfService));
    }

    [Fact]
    public void OtherDelimiters_ReadAsTheSameClaims()
    {
        // imsweb's x12_valid.txt and x12_valid_different_separators.txt hold the same interchange with other delimiters.
        var usual = Records("imsweb/x12_valid.txt");
        var other = Records("imsweb/x12_valid_different_separators.txt");

        Assert.Equal(usual.Select(r => (r.ClaimId, string.Join("; ", r.Errors))), other.Select(r => (r.ClaimId, string.Join("; ", r.Errors))));
        Assert.Equal(["A37YH556", "A37YH667", null], usual.Select(r => r.ClaimId));
        // Its HI puts codes in elements of their own (HI*BK*8901*BF*87200), in ICD-9, and its SE01 is 25 for 34 segments.
        Assert.Contains(Messages(usual[0]), m => m.StartsWith("HI01-1: 'BK' is an ICD-9-CM qualifier", StringComparison.Ordinal));
        Assert.Contains(Messages(usual[0]), m => m.StartsWith("HI02-1: '8901' is not a diagnosis qualifier", StringComparison.Ordinal));
        Assert.Equal("SE01 says '25' segments but transaction set 987654 (ST at segment 3) has 34", Assert.Single(usual[2].Errors).Message);
    }

    [Fact]
    public void AClaimWithoutClm05_IsRejectedNamingEachMissingComponent()
    {
        // imsweb's x12_missing_elements.txt: the second claim's CLM has no CLM05 (CLM*A37YH667*500****Y…). Its
        // frequency was taken as "original", though a claim without one might be a void.
        var records = Records("imsweb/x12_missing_elements.txt");

        var claim = Assert.Single(records, r => r.ClaimId == "A37YH667");
        Assert.Contains("CLM05-1: required (the place of service, e.g. 11 office, 22 outpatient hospital)", Messages(claim));
        Assert.Contains("CLM05-3: required (the claim frequency: 1 original, 7 replacement, 8 void)", Messages(claim));
        Assert.DoesNotContain(Messages(Assert.Single(records, r => r.ClaimId == "A37YH556")), m => m.StartsWith("CLM05", StringComparison.Ordinal));
    }

    [Fact]
    public void SeveralGroups_AreEachRead_AndAnInterchangeCountThatDisagreesIsReportedOnItsOwn()
    {
        var records = Records("imsweb/x12_multiple_gs.txt");

        Assert.Equal(6, records.Count(r => r.ClaimId is not null));
        Assert.Equal(3, records.Count(r => r.ClaimId is null && Messages(r).Single().StartsWith("SE01 says '25'", StringComparison.Ordinal)));
        Assert.Contains(records, r => r.ClaimId is null
            && Messages(r).Single() == "IEA01 says '1' functional groups but interchange 000000905 (ISA at segment 1) has 3");
        Assert.DoesNotContain(records, r => !r.IsRejected);
    }

    [Fact]
    public void AnInstitutionalTransaction_IsSkippedSayingSo()
    {
        var records = Records("imsweb/x223-test.txt");

        Assert.Contains(records, r => Messages(r).Any(m => m.StartsWith(
            "transaction set 987654 follows implementation guide '005010X223A2', not 005010X222A1 (837 professional); it is skipped, with the 1 claim (CLM) it held",
            StringComparison.Ordinal)));
        Assert.DoesNotContain(records, r => !r.IsRejected);
    }

    [Fact]
    public void An2020ClaimCodedInIcd9_IsRejectedAtItsHi()
    {
        var claim = Assert.Single(Records("imsweb/x12_writer_test.txt"), r => r.ClaimId == "A37YH556");

        Assert.True(claim.IsRejected);
        Assert.All(claim.Errors, e => Assert.Equal("diagnoses", e.Field));
    }

    [Fact]
    public void TheGuidesHealthInsuranceExample_IsReadToItsIcd9Diagnoses()
    {
        // The 5010 guide's example 1 (as OopFactory keeps it): well formed throughout; written in ICD-9-CM.
        var record = Assert.Single(Records("oopfactory/Example1_HealthInsurance.txt"));

        Assert.Equal("26463774", record.ClaimId);
        Assert.All(record.Errors, e => Assert.Contains("is an ICD-9-CM qualifier", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void AMedicaidFileWithAFrequencyAndQualifierOutsideTheGuide_IsRejectedClaimByClaim()
    {
        var records = Records("oopfactory/MedicaidExample.txt");

        Assert.Equal(5, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("9999", r.ClaimId);
            Assert.Contains("CLM05-3 '9' is not a claim frequency of a professional claim (1 original, 7 replacement, 8 void)", Messages(r));
            Assert.Contains(Messages(r), m => m.StartsWith("SV101-1: qualifier 'XX' is not HC", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void AUtf16File_IsRefusedNamingItsEncoding()
    {
        var (format, problem) = ClaimFileFormats.Inspect(PublicFile("oopfactory/UnicodeExample.txt"));

        Assert.Null(format);
        Assert.Equal("it is UTF-16 (little-endian) text, which is not read: convert it to UTF-8 (claim files are UTF-8 or ASCII)", problem);
    }
}
