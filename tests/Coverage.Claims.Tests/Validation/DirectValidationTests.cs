using System.Security.Cryptography;
using System.Text;
using Coverage.Claims.Batch;
using Coverage.Claims.Csv;
using Coverage.Claims.Ndjson;
using Coverage.Claims.Tests.X12;
using Coverage.Claims.X12;
using Coverage.Engine.Json;
using Coverage.SampleClaims;

namespace Coverage.Claims.Tests.Validation;

/// <summary>
/// A differential test of the validation path. Until 2026-12 every 837P and CSV claim was written as coverage request
/// JSON and read back by RequestReader; the fixture below is what that path said, recorded before the readers
/// started to fill the engine's request draft directly. For generated files (with their planted defects) and for
/// hand-made bad values, the path of today must give the same request (compared as RequestWriter's canonical JSON)
/// or the same errors: position, field and message, in the same order. NDJSON (still read by RequestReader) is
/// covered too, with shape errors mixed among the value errors, so that the shared rules keep their order there.
/// Set COVERAGE_RECORD_ORACLE=1 to write the fixture again (only ever from a path known to be right).
/// </summary>
public class DirectValidationTests
{
    private const string CsvHeader = "claim_id,line,member_id,birth_date,plan_id,diagnoses,date_of_service,code,modifiers,description,units\n";

    private static string FixturePath => Path.Combine(TestCatalogue.RepositoryRoot, "tests", "Coverage.Claims.Tests", "Validation", "direct-validation.oracle.txt");

    [Fact]
    public void Validate_GeneratedAndCraftedClaims_GiveWhatTheJsonRoundTripGave()
    {
        var actual = Describe();
        if (Environment.GetEnvironmentVariable("COVERAGE_RECORD_ORACLE") == "1")
        {
            File.WriteAllText(FixturePath, actual);
            return;
        }
        var expected = File.ReadAllText(FixturePath).Split('\n');
        var lines = actual.Split('\n');
        for (var i = 0; i < Math.Min(expected.Length, lines.Length); i++)
            Assert.True(expected[i] == lines[i], $"line {i + 1} of the oracle differs:\nexpected: {expected[i]}\nactual:   {lines[i]}");
        Assert.Equal(expected.Length, lines.Length);
    }

    private static string Describe()
    {
        var text = new StringBuilder();
        var planMap = PlanMap.Parse(new StringReader(SyntheticClaims.PlanMapCsv + "\n999999,no-such-plan\n")).Map!;
        foreach (var seed in new[] { 3, 11 })
        {
            Section(text, $"generated 837 seed {seed}", Read837(Generated(ClaimFileFormat.X12, seed), planMap), hashRequests: true);
            Section(text, $"generated csv seed {seed}", ReadCsv(Generated(ClaimFileFormat.Csv, seed)), hashRequests: true);
            Section(text, $"generated ndjson seed {seed}", ReadNdjson(Generated(ClaimFileFormat.Ndjson, seed)), hashRequests: true);
        }
        Section(text, "crafted csv", ReadCsv(CraftedCsv()), hashRequests: false);
        Section(text, "crafted 837", Read837(Crafted837(), planMap), hashRequests: false);
        Section(text, "crafted ndjson", ReadNdjson(CraftedNdjson()), hashRequests: false);
        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IEnumerable<ClaimRecord> records, bool hashRequests)
    {
        text.Append("# ").Append(title).Append('\n');
        foreach (var record in records)
        {
            text.Append(record.Position).Append(" | ").Append(record.ClaimId ?? "(none)").Append(" | ");
            var (request, errors) = record.Validate(TestCatalogue.Catalogue);
            if (request is not null)
            {
                var json = RequestWriter.ToJson(request);
                text.Append("request ").Append(hashRequests ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16] : json).Append('\n');
                continue;
            }
            text.Append("rejected\n");
            foreach (var error in errors)
                text.Append("  ").Append(error.Position).Append(" | ").Append(error.Field ?? "(none)").Append(" | ").Append(Escape(error.Message)).Append('\n');
        }
    }

    private static string Escape(string message) => message.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Generated(ClaimFileFormat format, int seed)
    {
        using var writer = new StringWriter();
        SyntheticClaimFile.Write(SyntheticClaims.Generate(400, seed), format, writer);
        return writer.ToString();
    }

    private static List<ClaimRecord> Read837(string x12, PlanMap plans) => new Claim837Reader(new StringReader(x12), plans).Read().ToList();

    private static List<ClaimRecord> ReadCsv(string csv) => new ClaimCsvReader(new StringReader(csv)).Read().ToList();

    private static List<ClaimRecord> ReadNdjson(string ndjson) => new RequestNdjsonReader(new MemoryStream(Encoding.UTF8.GetBytes(ndjson))).Read().ToList();

    /// <summary>One row (or a few) per bad value the request rules know, and some claims with several at once.</summary>
    private static string CraftedCsv()
    {
        var rows = new List<string>
        {
            "A1,1,M1,1950-03-01,standard,C50.411,2026-02-30,0581T,,,1",
            "A2,1,M1,1950-03-01,standard,C50.411,2026/05/04,0581T,,,1",
            "A3,1,M1,1950-03-01,standard,C50.411,20260504,0581T,,,1",
            "A4,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581,,,1",
            "A5,1,M1,1950-03-01,standard,C50.411,2026-05-04,ZZZZZ,,,1",
            "A6,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581t,,,1",
            "A7,1,M1,1950-03-01,standard,C50.411,2026-05-04,a1234,lt;59,,1",
            "A8,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T0581T0581T0581T,,,1",
            "A9,1,M1,1950-03-01,standard,C5O.411,2026-05-04,0581T,,,1",
            "A10,1,M1,1950-03-01,standard,c50.411;C50411;z17.0;Z170,2026-05-04,0581T,,,1",
            "A11,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,LT;RT;59;XS;GA,,1",
            "A12,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,L;L-T;LTLTLTLTLT,,1",
            $"A13,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,{new string('d', 2001)},1",
            "A14,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,\"bell\u0007 here\",1",
            "A15,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,\"two\nlines\ttab\",1",
            $"A16,1,{new string('m', 129)},1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A17,1,M\u0001X,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A18,1,M1,1950-03-01,platinum,C50.411,2026-05-04,0581T,,,1",
            "A19,1,M1,2026-06-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A20,1,M1,1870-01-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A21,1,M1,1950-02-30,standard,C50.411,2026-05-04,0581T,,,1",
            "A22,1,M1,2026-04-15,standard,C50.411,2026-05-10,0581T,,,1",
            "A22,2,,,,,2026-04-01,76942,,,1",
            "A23,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A23,1,,,,,2026-05-04,76942,,,1",
            "A24,0,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A25,10000,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "A26,1,M1,1950-03-01,standard,C50.411,2026-05-04,BAD,,,1",
            "A26,1,,,,,2026-05-04,76942,,,1",
            "A26,2,,,,,2026-05-04,76942,,,1",
            "A26,2,,,,,2026-05-04,76942,,,1",
            "A27,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,0",
            "A28,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1000",
            "A29,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,2.0",
            "A30,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,99999",
            $"{new string('c', 129)},1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            "\"A\u0002B\",1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1",
            $"A31,1,M1,1950-03-01,standard,{string.Join(';', Enumerable.Range(0, 26).Select(i => $"C50.{i:000}"))},2026-05-04,0581T,,,1",
            "A32,1,M1,1950-03-01,standard,C50.41100000000000000,2026-05-04,0581T,,,1",
            "A33,1,M1,2030-13-01,nope,C5;X;Y99,2026-02-29,05,LT;RT;50;59;XS,\"x\u0003\",0",
            "A33,1,,,,,2026-13-13,,,,1000",
            "A33,3,,,,,2026-05-04,0581T,ZZZ,,1",
            "A34,1,M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,   ,1",
            "A35,1,M1,,,,2026-05-04,0581T,,,1",
            "A35,2,,,,,2026-05-05,0581T,LT,,1",
            "A35,3,,,,,2026-05-03,0581T,RT,,1",
            "A36,1,M1,1950-03-01,example-fda-cryo-rider,C50.411,2026-05-04,0581T,,,1",
            "A36,2,,,,,2026-13-04,76942,,,1",
            "A36,3,,,,,2026-05-04,76942,,,1",
            "A37,1,M1,1950-03-01,standard,C50.411,2026-13-04,0581T,,,1",
            "A37,2,,,,,2026-13-04,76942,,,1",
            "A37,3,,,,,2026-14-04,76942,,,1",
        };
        for (var i = 1; i <= 51; i++) rows.Add($"A38,{i},M1,1950-03-01,standard,C50.411,2026-05-04,0581T,,,1");
        return CsvHeader + string.Join('\n', rows) + "\n";
    }

    private static string Crafted837()
    {
        static string Line(int lx, string sv101, string units = "1", string date = "20260504") =>
            $"LX*{lx}~SV1*{sv101}*6200*UN*{units}***1~" + (date.Length == 0 ? "" : $"DTP*472*D8*{date}~");

        var loops = new List<string>
        {
            X12Text.Subscriber(hl: 2, id: "M1"),
            "CLM*B1*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411*ABF:Z170~" + Line(1, "HC:ABCDE") + Line(2, "HC:0581t:lt:rt:59:xs:free text"),
            "CLM*B2*6200***11:B:1*Y*A*Y*Y~HI*ABK:C5O411~" + Line(1, "HC:0581T", units: "0") + Line(1, "HC:76942", units: "1000"),
            "CLM*B3*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(0, "HC:0581T") + Line(10000, "HC:0581T"),
            "CLM*B4*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~DTP*472*D8*20260501~" + Line(1, "HC:0581T", date: "") + Line(2, "HC:76942", date: "20260509"),
            "CLM*B5*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T", date: "") ,
            "CLM*B6*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T:L:LTLTLTLTLTLT") + Line(2, "HC:0581T::::::" + new string('d', 2001)),
            "CLM*B7*6200***11:B:1*Y*A*Y*Y~" + string.Concat(Enumerable.Range(0, 3).Select(h => "HI" + string.Concat(Enumerable.Range(0, 12).Select(i => (h == 0 && i == 0 ? "*ABK:" : "*ABF:") + $"C50{h}{i:00}")) + "~")) + Line(1, "HC:0581T"),
            "CLM*B8*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411*ABF:C50.411*ABF:c50411~" + string.Concat(Enumerable.Range(1, 51).Select(i => Line(i, "HC:0581T"))),
            "CLM*B9*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T", date: "20260504") + Line(2, "HC:0581T", date: "20260503") + Line(3, "HC:0581T", date: "20260505"),
            "CLM*B10*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T0581T0581T0") + Line(2, "HC:0581T:L\u0001"),
            X12Text.Subscriber(hl: 3, id: "M2", birth: "20260601"),
            "CLM*B11*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T"),
            X12Text.Subscriber(hl: 4, id: "M3", birth: "18700101", group: "999999"),
            "CLM*B12*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T"),
            X12Text.Subscriber(hl: 5, id: new string('m', 129)),
            "CLM*" + new string('c', 129) + "*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T"),
            X12Text.Dependent(hl: 6, patientBirth: "20260510"),
            "CLM*B13*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + Line(1, "HC:0581T", date: "20260505") + Line(2, "HC:0581T", date: "20260512"),
        };
        return X12Text.File([.. loops]);
    }

    /// <summary>Requests as JSON, with shape errors (types, unknown fields, twice-given fields) among bad values.</summary>
    private static string CraftedNdjson() => string.Join('\n',
        """{"requestId":"N1","kind":"claim","member":{"id":"M1","birthDate":"1950-03-01","planId":"standard"},"dateOfService":"2026-05-04","diagnoses":["C50.411"],"serviceLines":[{"sequence":1,"code":"0581T","units":1}]}""",
        """{"requestId":"N2","kind":"claim","bogus":1,"member":{"id":5,"birthDate":"1950-02-30","planId":"nope","x":1},"dateOfService":"2026-13-01","diagnoses":["C5O",7,"c50.411"],"serviceLines":[{"sequence":"1","code":"ABCDE","units":1.5,"modifiers":"LT"},{"sequence":1,"code":7,"dateOfService":5}]}""",
        """{"requestId":"N3","kind":"urgent","priority":3,"member":[],"dateOfService":20260504,"diagnoses":{},"serviceLines":{}}""",
        """{"requestId":"N4","member":{"birthDate":"2026-06-01"},"dateOfService":"2026-05-04","serviceLines":[{"sequence":2,"code":"0581T","modifiers":["LT","r",3,"LT","RT"]},{"sequence":2,"code":"0581T","description":"\u0001"},"x",{"code":"0581T","sequence":0,"units":1000}],"clinical":{"age":3,"nope":true}}""",
        """{"requestId":"N5","kind":"claim","requestId":"N5","member":{"id":"M1"},"dateOfService":"2026-05-04","serviceLines":[]}""",
        """{"requestId":"N6","member":{"id":"M1","birthDate":"1870-01-01"},"dateOfService":"2026-05-04","serviceLines":[{"sequence":1,"code":"0581T","dateOfService":"1869-12-31","description":"  "}]}""",
        """[1,2]""",
        """{"requestId":"N7",""",
        """{"kind":"claim","member":{"id":"M1"},"dateOfService":"2026-05-04","serviceLines":[{"sequence":1,"code":"0581T"}]}""") + "\n";
}
