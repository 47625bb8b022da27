using System.Buffers;
using System.Text;
using Coverage.Claims.Batch;
using Coverage.Engine.Json;

namespace Coverage.Claims.Tests.Batch;

/// <summary>The adjustments file's rows (issue 14, finding 9): a line no policy governs names no policy, and the resource that addresses it.</summary>
public class ResultFormatsTests
{
    private static string Rows(string requestJson)
    {
        var read = RequestReader.Read(requestJson, TestCatalogue.Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        var csv = new ArrayBufferWriter<byte>();
        ResultFormats.WriteAdjustments(csv, TestCatalogue.Evaluator.Evaluate(read.Request!));
        return Encoding.UTF8.GetString(csv.WrittenSpan);
    }

    [Fact]
    public void NotAddressedLine_OfARelatedResource_NamesTheResourceAndNoPolicy()
    {
        var rows = Rows("""
            {"requestId": "R1", "kind": "claim", "dateOfService": "2026-05-04", "diagnoses": ["C50.411"],
             "serviceLines": [{"sequence": 1, "code": "19499", "description": "HIFU ablation of breast tumor"}]}
            """);

        Assert.Equal("R1,1,19499,not-addressed,,,,,,false,High Intensity Focused Ultrasound (HIFU),original,\n", rows);
    }

    [Fact]
    public void DecidedLine_NamesThePolicyVersionApplied_AndNoResource()
    {
        var rows = Rows("""
            {"requestId": "R2", "kind": "claim", "dateOfService": "2026-05-04", "diagnoses": ["C50.411"],
             "serviceLines": [{"sequence": 1, "code": "0581T"}]}
            """);

        Assert.Matches(@"^R2,1,0581T,[a-z-]+,[A-Z]*,[0-9;]*,[A-Z0-9;]*,0540,\d{4}-\d{2}-\d{2},(true|false),,original,\n$", rows);
    }

    [Fact]
    public void ClaimIdsThatStartLikeAFormula_AreWrittenSoASpreadsheetShowsThem()
    {
        var rows = Rows("""
            {"requestId": "=HYPERLINK(\"https://x.test\",\"open\")", "kind": "claim", "dateOfService": "2026-05-04",
             "diagnoses": ["C50.411"], "serviceLines": [{"sequence": 1, "code": "0581T"}]}
            """);

        Assert.StartsWith("\"'=HYPERLINK(\"\"https://x.test\"\",\"\"open\"\")\",1,0581T,", rows);
    }
}
