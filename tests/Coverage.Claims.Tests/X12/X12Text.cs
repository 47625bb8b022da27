using System.Text;
using Coverage.Claims.X12;
using Coverage.Engine.Model;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// Builds hand-written 837P files for tests. Segments are written with * : ^ ~ and counted for the envelopes
/// (SE01, GE01, IEA01) so that a test only breaks what it is about; <see cref="Delimit"/> swaps in other delimiters.
/// </summary>
internal static class X12Text
{
    public const string Provider = "HL*1**20*1~NM1*85*2*BREAST CENTER*****XX*1234567893~N3*1 MAIN ST~N4*SPRINGFIELD*IL*62701~REF*EI*123456789~";

    public static string Isa(string control = "000000001") =>
        $"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261124*1200*^*00501*{control}*0*T*:~";

    /// <summary>A subscriber loop (2000B/2010BA) who is the patient.</summary>
    public static string Subscriber(int hl = 2, string id = "M123", string birth = "19500301", string group = "100200") =>
        $"HL*{hl}*1*22*0~SBR*P*18*{group}******CI~NM1*IL*1*DOE*JANE****MI*{id}~N3*2 ELM ST~N4*SPRINGFIELD*IL*62701~DMG*D8*{birth}*F~NM1*PR*2*COVERAGE PLAN*****PI*66783~";

    /// <summary>A subscriber loop with a dependent patient loop (2000C/2010CA).</summary>
    public static string Dependent(int hl = 2, string subscriberId = "M500", string subscriberBirth = "19480101", string patientBirth = "19520615", string patientId = "") =>
        $"HL*{hl}*1*22*1~SBR*P**100310******CI~NM1*IL*1*ROE*JOHN****MI*{subscriberId}~DMG*D8*{subscriberBirth}*M~NM1*PR*2*COVERAGE PLAN*****PI*66783~" +
        $"HL*{hl + 1}*{hl}*23*0~PAT*01~NM1*QC*1*ROE*MARY{(patientId.Length > 0 ? "****MI*" + patientId : "")}~DMG*D8*{patientBirth}*F~";

    /// <summary>A claim (2300) with one cryoablation line (2400).</summary>
    public static string Claim(string id = "CLM1", string date = "20260504") =>
        $"CLM*{id}*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411*ABF:Z170~LX*1~SV1*HC:0581T:LT*6200*UN*1***1~DTP*472*D8*{date}~";

    public static string Transaction(string control, params string[] bodies)
    {
        var body = "BHT*0019*00*B1*20261124*1200*CH~NM1*41*2*BREAST CENTER*****46*TGJ23~PER*IC*BILLING*TE*5555550100~NM1*40*2*COVERAGE PLAN*****46*66783~" + string.Concat(bodies);
        var segments = body.Count(c => c == '~') + 2;
        return $"ST*837*{control}*005010X222A1~{body}SE*{segments}*{control}~";
    }

    public static string Group(string control, params string[] transactions) =>
        $"GS*HC*SUBMITTER*RECEIVER*20261124*1200*{control}*X*005010X222A1~{string.Concat(transactions)}GE*{transactions.Length}*{control}~";

    public static string Interchange(string control, params string[] groups) =>
        $"{Isa(control)}{string.Concat(groups)}IEA*{groups.Length}*{control}~";

    /// <summary>One interchange, group and transaction holding the given loops after the billing provider.</summary>
    public static string File(params string[] loops) =>
        Interchange("000000001", Group("1", Transaction("0001", [Provider, .. loops])));

    /// <summary>The same file with other delimiters (the ISA's fixed width is kept, so its positions still hold).</summary>
    public static string Delimit(string x12, char element, char component, char repetition, char segment, string afterSegment = "")
    {
        var text = new StringBuilder(x12.Length);
        foreach (var ch in x12)
        {
            text.Append(ch switch
            {
                '*' => element.ToString(),
                ':' => component.ToString(),
                '^' => repetition.ToString(),
                '~' => segment + afterSegment,
                _ => ch.ToString(),
            });
        }
        return text.ToString();
    }

    /// <summary>A line break after every segment, as many senders write.</summary>
    public static string Lines(string x12, string lineBreak = "\n") => x12.Replace("~", "~" + lineBreak, StringComparison.Ordinal);

    public static List<ClaimRecord> Read(string x12, PlanMap? plans = null) =>
        new Claim837Reader(new StringReader(x12), plans).Read().ToList();

    /// <summary>The request a record maps to, failing the test when it does not validate.</summary>
    public static CoverageRequest Request(ClaimRecord record)
    {
        var (request, errors) = record.Validate(TestCatalogue.Catalogue);
        Assert.True(request is not null, string.Join("; ", errors));
        return request!;
    }

    public static IReadOnlyList<RecordError> Errors(ClaimRecord record)
    {
        var (request, errors) = record.Validate(TestCatalogue.Catalogue);
        Assert.Null(request);
        return errors;
    }

    /// <summary>The number of the first segment with this id (and first element), counted from 1 as the reader does.</summary>
    public static long SegmentNumber(string x12, string start)
    {
        var segments = x12.Split('~');
        for (var i = 0; i < segments.Length; i++)
            if (segments[i].TrimStart('\r', '\n').StartsWith(start, StringComparison.Ordinal)) return i + 1;
        throw new InvalidOperationException($"no segment starts with {start}");
    }
}
