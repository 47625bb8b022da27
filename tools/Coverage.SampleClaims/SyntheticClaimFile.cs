using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Claims.Batch;
using Coverage.Claims.Csv;
using Coverage.Claims.X12;
using Coverage.Engine.Text;

namespace Coverage.SampleClaims;

/// <summary>Writes synthetic claims as an 837P, CSV or NDJSON file, planting each claim's defect the format's own way.</summary>
public static class SyntheticClaimFile
{
    public static void Write(IEnumerable<SyntheticClaim> claims, ClaimFileFormat format, TextWriter output, X12Delimiters? delimiters = null)
    {
        switch (format)
        {
            case ClaimFileFormat.X12:
                var writer = new X12ClaimFileWriter(output, delimiters ?? X12Delimiters.Default);
                foreach (var claim in claims) writer.Write(claim);
                writer.Finish();
                break;
            case ClaimFileFormat.Csv:
                WriteCsv(claims, output);
                break;
            case ClaimFileFormat.Ndjson:
                foreach (var claim in claims) output.Write(NdjsonLine(claim) + "\n");
                break;
        }
    }

    /// <summary>Generates <paramref name="count"/> claims from <paramref name="seed"/> into a file.</summary>
    public static void Write(string path, ClaimFileFormat format, int count, int seed = 1)
    {
        using var output = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
        Write(SyntheticClaims.Generate(count, seed), format, output);
    }

    private static void WriteCsv(IEnumerable<SyntheticClaim> claims, TextWriter output)
    {
        output.Write(string.Join(',', ClaimCsvReader.Columns) + "\n");
        foreach (var claim in claims)
        {
            // The default plan is sometimes named and sometimes left out, as extracts do.
            var plan = claim.PlanId == "standard" && claim.ClaimId[^1] % 2 == 0 ? "" : claim.PlanId;
            var diagnoses = claim.Defect == SyntheticDefect.BadDiagnosis ? ["C5X.411", .. claim.Diagnoses.Skip(1)] : claim.Diagnoses;
            var lines = claim.Defect == SyntheticDefect.NoLines ? claim.Lines.Take(1).Select(l => l with { Code = "", Description = null, Modifiers = [] }) : claim.Lines;
            var first = true;
            foreach (var line in lines)
            {
                var date = first && claim.Defect == SyntheticDefect.BadDate ? $"{line.DateOfService.Year}-13-40" : SyntheticClaim.Iso(line.DateOfService);
                var code = first && claim.Defect == SyntheticDefect.BadCode ? "12A45" : line.Code;
                string[] fields =
                [
                    claim.ClaimId, line.Sequence.ToString(CultureInfo.InvariantCulture), claim.MemberId, SyntheticClaim.Iso(claim.BirthDate), plan,
                    string.Join(';', diagnoses), date, code, string.Join(';', line.Modifiers), line.Description ?? "", line.Units.ToString(CultureInfo.InvariantCulture),
                ];
                output.Write(string.Join(',', fields.Select(CsvField.Quoted)));
                if (first && claim.Defect == SyntheticDefect.Malformed) output.Write(",EXTRA");
                output.Write('\n');
                first = false;
            }
        }
    }

    private static string NdjsonLine(SyntheticClaim claim)
    {
        var json = claim.RequestJson(withClinical: true);
        if (claim.Defect == SyntheticDefect.None) return json;
        if (claim.Defect == SyntheticDefect.Malformed) return json[..(json.Length / 2)];
        var root = JsonNode.Parse(json)!.AsObject();
        switch (claim.Defect)
        {
            case SyntheticDefect.BadDate: root["dateOfService"] = $"{claim.DateOfService.Year}-13-40"; break;
            case SyntheticDefect.NoLines: root["serviceLines"] = new JsonArray(); break;
            case SyntheticDefect.BadDiagnosis: root["diagnoses"] = new JsonArray("C5X.411"); break;
            case SyntheticDefect.BadCode: root["serviceLines"]![0]!["code"] = "12A45"; break;
        }
        return root.ToJsonString();
    }
}

/// <summary>
/// Writes synthetic claims as X12 837P 005010X222A1: 250 claims a transaction set, 4 sets a functional group,
/// 2 groups an interchange, each envelope with correct counts and control numbers; a line break after each
/// segment terminator. One subscriber loop (and a patient loop for a dependent) per claim.
/// </summary>
public sealed class X12ClaimFileWriter(TextWriter output, X12Delimiters delimiters, int claimsPerTransaction = 250, int transactionsPerGroup = 4, int groupsPerInterchange = 2)
{
    private const string Submitter = "COVSUBMITTER";
    private const string Receiver = "COVPAYER";

    private int _interchange;
    private int _group;
    private int _transaction;
    private int _groupsInInterchange;
    private int _transactionsInGroup;
    private int _claimsInTransaction;
    private int _segmentsInTransaction;
    private int _hl;
    private bool _inTransaction;
    private bool _groupOpen;
    private bool _interchangeOpen;

    public void Write(SyntheticClaim claim)
    {
        if (_inTransaction && _claimsInTransaction == claimsPerTransaction) EndTransaction();
        if (!_inTransaction) StartTransaction();
        _claimsInTransaction++;

        var subscriberHl = ++_hl;
        var dependent = claim.SubscriberBirthDate is not null;
        Segment("HL", subscriberHl.ToString(CultureInfo.InvariantCulture), "1", "22", dependent ? "1" : "0");
        Segment("SBR", "P", dependent ? "" : "18", SyntheticClaims.GroupNumbers[claim.PlanId], "", "", "", "", "", "CI");
        Segment("NM1", "IL", "1", claim.LastName, dependent ? "CHRIS" : claim.FirstName, "", "", "", "MI", claim.MemberId);
        Segment("DMG", "D8", D8(claim.SubscriberBirthDate ?? claim.BirthDate), dependent ? "M" : claim.Sex.ToString());
        Segment("NM1", "PR", "2", "COVERAGE HEALTH PLAN", "", "", "", "", "PI", "66783");
        if (dependent)
        {
            Segment("HL", (++_hl).ToString(CultureInfo.InvariantCulture), subscriberHl.ToString(CultureInfo.InvariantCulture), "23", "0");
            Segment("PAT", "01");
            Segment("NM1", "QC", "1", claim.LastName, claim.FirstName);
            Segment("DMG", "D8", D8(claim.BirthDate), claim.Sex.ToString());
        }

        Segment("CLM", claim.ClaimId, Money(claim.Lines.Sum(l => l.Charge * l.Units)), "", "", $"11{delimiters.Component}B{delimiters.Component}1", "Y", "A", "Y", "Y");
        if (claim.Defect == SyntheticDefect.Malformed) Segment("N@TE", "ADD", "SEE ATTACHED");
        var diagnoses = claim.Defect == SyntheticDefect.BadDiagnosis ? ["C5X.411", .. claim.Diagnoses.Skip(1)] : claim.Diagnoses;
        if (diagnoses.Count > 0)
            Segment(["HI", .. diagnoses.Take(12).Select((d, i) => $"{(i == 0 ? "ABK" : "ABF")}{delimiters.Component}{d.Replace(".", "", StringComparison.Ordinal)}")]);
        if (claim.Defect == SyntheticDefect.NoLines) return;
        var first = true;
        foreach (var line in claim.Lines)
        {
            Segment("LX", line.Sequence.ToString(CultureInfo.InvariantCulture));
            var code = first && claim.Defect == SyntheticDefect.BadCode ? "12A45" : line.Code;
            var parts = new List<string> { "HC", code };
            parts.AddRange(line.Modifiers);
            if (line.Description is not null)
            {
                while (parts.Count < 6) parts.Add("");
                parts.Add(Text(line.Description));
            }
            Segment("SV1", string.Join(delimiters.Component, parts), Money(line.Charge * line.Units), "UN", line.Units.ToString(CultureInfo.InvariantCulture), "", "", "1");
            Segment("DTP", "472", "D8", first && claim.Defect == SyntheticDefect.BadDate ? $"{line.DateOfService.Year}1340" : D8(line.DateOfService));
            first = false;
        }
    }

    public void Finish()
    {
        if (_inTransaction) EndTransaction();
        if (_groupOpen) EndGroup();
        if (_interchangeOpen) EndInterchange();
        output.Flush();
    }

    private void StartTransaction()
    {
        if (_groupOpen && _transactionsInGroup == transactionsPerGroup) EndGroup();
        if (_interchangeOpen && !_groupOpen && _groupsInInterchange == groupsPerInterchange) EndInterchange();
        if (!_interchangeOpen) StartInterchange();
        if (!_groupOpen) StartGroup();
        _transaction++;
        _transactionsInGroup++;
        _claimsInTransaction = 0;
        _segmentsInTransaction = 0;
        _hl = 1;
        _inTransaction = true;
        var control = _transaction.ToString("D4", CultureInfo.InvariantCulture);
        Segment("ST", "837", control, Claim837Reader.ImplementationGuide);
        Segment("BHT", "0019", "00", $"B{_transaction:D6}", "20261124", "1200", "CH");
        Segment("NM1", "41", "2", "COVERAGE SYNTHETIC CLINIC", "", "", "", "", "46", "TGJ23");
        Segment("PER", "IC", "BILLING OFFICE", "TE", "5555550100");
        Segment("NM1", "40", "2", "COVERAGE HEALTH PLAN", "", "", "", "", "46", "66783");
        Segment("HL", "1", "", "20", "1");
        Segment("NM1", "85", "2", "COVERAGE SYNTHETIC CLINIC", "", "", "", "", "XX", "1234567893");
        Segment("N3", "100 MAIN STREET");
        Segment("N4", "SPRINGFIELD", "IL", "62701");
        Segment("REF", "EI", "123456789");
    }

    private void EndTransaction()
    {
        _segmentsInTransaction++;
        Raw("SE", _segmentsInTransaction.ToString(CultureInfo.InvariantCulture), _transaction.ToString("D4", CultureInfo.InvariantCulture));
        _inTransaction = false;
    }

    private void StartInterchange()
    {
        _interchange++;
        _groupsInInterchange = 0;
        _interchangeOpen = true;
        var e = delimiters.Element;
        // The ISA is fixed-width: every element padded to its size (X12.5).
        output.Write($"ISA{e}00{e}{"",-10}{e}00{e}{"",-10}{e}ZZ{e}{Submitter,-15}{e}ZZ{e}{Receiver,-15}{e}261124{e}1200{e}{delimiters.Repetition}{e}00501{e}{_interchange:D9}{e}0{e}T{e}{delimiters.Component}{delimiters.Segment}");
        if (delimiters.Segment != '\n') output.Write('\n');
    }

    private void StartGroup()
    {
        _group++;
        _groupsInInterchange++;
        _transactionsInGroup = 0;
        _groupOpen = true;
        Raw("GS", "HC", Submitter, Receiver, "20261124", "1200", _group.ToString(CultureInfo.InvariantCulture), "X", Claim837Reader.ImplementationGuide);
    }

    private void EndGroup()
    {
        Raw("GE", _transactionsInGroup.ToString(CultureInfo.InvariantCulture), _group.ToString(CultureInfo.InvariantCulture));
        _groupOpen = false;
    }

    private void EndInterchange()
    {
        Raw("IEA", _groupsInInterchange.ToString(CultureInfo.InvariantCulture), _interchange.ToString("D9", CultureInfo.InvariantCulture));
        _interchangeOpen = false;
    }

    private void Segment(params string[] elements)
    {
        _segmentsInTransaction++;
        Raw(elements);
    }

    private void Raw(params string[] elements)
    {
        var end = elements.Length;
        while (end > 1 && elements[end - 1].Length == 0) end--; // X12 drops trailing empty elements
        output.Write(string.Join(delimiters.Element, elements, 0, end));
        output.Write(delimiters.Segment);
        if (delimiters.Segment != '\n') output.Write('\n');
    }

    /// <summary>Free text must not hold a delimiter of the interchange.</summary>
    private string Text(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var ch = source[i];
                span[i] = ch == delimiters.Element || ch == delimiters.Component || ch == delimiters.Repetition || ch == delimiters.Segment ? ' ' : ch;
            }
        });

    private static string D8(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}
