using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// The coding tables: rows of a code and its description, the code system given by the row ("CPT 27447 …",
/// "ICD-10-CM M17.11 …") or by the table's header ("CPT®* Codes  Description"). A row's description may run on over
/// indented lines; a trailing "[…]" is the row's annotation and "(… effective 1/1/2021)" the date the code took
/// effect. A line ending in a colon that states a finding is the group label the following codes are listed under,
/// and a short line above such a label is the heading of the group. Prose between the tables is not a code row,
/// even when it mentions codes ("for example 27599"): it goes to the report.
/// </summary>
internal static partial class CodingTableReader
{
    public sealed record Result(IReadOnlyList<DraftCode> Codes, IReadOnlyList<DraftIndication> Indications, IReadOnlyList<AnalystNote> Notes)
    {
        public IReadOnlyList<DraftCodeListing> Listings { get; init; } = [];
    }

    private sealed class Row(string system, List<string> codes, SourceLine line, Sourced<string>? group, string? groupDetermination, Sourced<string>? heading)
    {
        public string System { get; } = system;
        public List<string> Codes { get; } = codes;
        public SourceLine Line { get; } = line;
        public Sourced<string>? Group { get; } = group;
        public string? GroupDetermination { get; } = groupDetermination;
        public Sourced<string>? Heading { get; } = heading;
        public List<string> Description { get; } = [];
        /// <summary>Where the row starts: a line of its description runs on further in.</summary>
        public int Indent { get; } = Indentation(line.Text);
        /// <summary>"19081-19086" as written, when the row lists a range rather than codes.</summary>
        public string? Range { get; init; }
    }

    public static Result Read(IEnumerable<Section> sections, LineUse use)
    {
        var rows = new List<Row>();
        var notes = new List<AnalystNote>();
        foreach (var section in sections)
        {
            if (section.Heading is not null) use.Place(section.Heading);
            // A heading that names one code system ("ICD-10-CM Codes that Support Medical Necessity") is the system of its tables.
            string? tableSystem = section.Heading is { } h && OneSystem(h.Text) is { } named ? named : null;
            Sourced<string>? group = null, heading = null;
            string? groupDetermination = null;
            Row? open = null;
            var labelJustSet = false;
            var lines = section.Lines;
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var text = line.Text;
                if (line.IsBlank)
                {
                    open = null;
                    continue;
                }
                if (SystemRow().Match(text) is { Success: true } withSystem && CodeCell(withSystem.Groups["codes"].Value) is { } listed)
                {
                    open = NewRow(System(withSystem.Groups["system"].Value), listed, line, group, groupDetermination, heading);
                    open.Description.Add(withSystem.Groups["description"].Value);
                    rows.Add(open);
                    use.Place(line);
                    labelJustSet = false;
                    continue;
                }
                var cells = Columns.Split(text);
                if (TableRow(text, cells) is { } tabled && (tableSystem ?? SystemOfShape(tabled.Codes)) is { } rowSystem)
                {
                    open = NewRow(rowSystem, tabled.Codes, line, group, groupDetermination, heading);
                    open.Description.Add(tabled.Description);
                    rows.Add(open);
                    use.Place(line);
                    labelJustSet = false;
                    continue;
                }
                if (open is not null && Indentation(text) > open.Indent && !ListItems.IsItem(text) && Determinations.Find(text) is null)
                {
                    open.Description.Add(text.Trim());
                    use.Place(line);
                    continue;
                }
                open = null;
                if (cells.Count >= 2 && cells.Skip(1).Any(c => c.Contains("Description", StringComparison.OrdinalIgnoreCase))
                    && (HeaderSystem(cells[0]) is not null || CodeHeader().IsMatch(cells[0])))
                {
                    // "CPT Code  Description" names the table's system; "Code  Code Description" keeps the one in force.
                    tableSystem = HeaderSystem(cells[0]) ?? tableSystem;
                    use.Place(line);
                    continue;
                }
                var trimmed = text.Trim();
                if (SystemCaption().IsMatch(trimmed))
                {
                    // "CPT", "HCPCS", "ICD-10 Diagnosis", "ICD-10 Procedure" over the rows: the system of the rows below.
                    tableSystem = HeaderSystem(trimmed);
                    use.Place(line);
                    continue;
                }
                if (trimmed.EndsWith(':') && trimmed.Length <= 200 && !ListItems.IsItem(trimmed))
                {
                    // A label over the codes: "CPT codes covered if selection criteria are met:", "When services are Not
                    // Medically Necessary:". One with a finding ties its codes to the statements of that finding; a
                    // label without one ("Other CPT codes related to the policy:") lists codes under no finding, except
                    // right under a label, where it goes on saying which codes the finding covers.
                    var finding = Determinations.FindInLabel(trimmed);
                    if (finding is not null || !labelJustSet)
                    {
                        (group, groupDetermination) = (new Sourced<string>(trimmed, line), finding);
                        if (OneSystem(trimmed) is { } labelled) tableSystem = labelled;
                    }
                    labelJustSet = true;
                    use.Place(line);
                    continue;
                }
                labelJustSet = false;
                var next = lines.Skip(i + 1).FirstOrDefault(l => !l.IsBlank);
                if (IsGroupHeading(trimmed) && next is not null && next.Text.Trim().EndsWith(':') && Determinations.FindInLabel(next.Text) is not null)
                {
                    (heading, group, groupDetermination) = (new Sourced<string>(trimmed, line), null, null);
                    use.Place(line);
                }
            }
        }
        return Build(rows, notes);
    }

    private static Row NewRow(string system, List<string> codes, SourceLine line, Sourced<string>? group, string? groupDetermination, Sourced<string>? heading)
    {
        if (codes.Count == 1 && CodeRange().Match(codes[0]) is { Success: true } range)
            return new Row(system, [range.Groups["from"].Value, range.Groups["to"].Value], line, group, groupDetermination, heading) { Range = codes[0] };
        return new Row(system, codes, line, group, groupDetermination, heading);
    }

    /// <summary>
    /// A table row: its first cell codes or a range, and a description — in a cell of its own (tab or column gap), or
    /// after a single space when the description starts as words do ("12345 Repair of …").
    /// </summary>
    private static (List<string> Codes, string Description)? TableRow(string text, IReadOnlyList<string> cells)
    {
        if (cells.Count >= 2 && CodeCell(cells[0]) is { } codes) return (codes, string.Join(' ', cells.Skip(1)));
        if (SpacedRow().Match(text) is { Success: true } m && CodeCell(m.Groups["codes"].Value) is { } spaced)
            return (spaced, m.Groups["description"].Value.Trim());
        return null;
    }

    /// <summary>The system a code's shape leaves no doubt about, when no header or label names one.</summary>
    private static string? SystemOfShape(List<string> codes)
    {
        var first = CodeRange().Match(codes[0]) is { Success: true } r ? r.Groups["from"].Value : codes[0];
        if (CptCode().IsMatch(first)) return "CPT";
        if (HcpcsCode().IsMatch(first)) return "HCPCS";
        if (DiagnosisCode().IsMatch(first) && first.Contains('.', StringComparison.Ordinal)) return "ICD-10-CM";
        if (PcsCode().IsMatch(first)) return "ICD-10-PCS";
        return null;
    }

    /// <summary>The one code system a caption or label names, or null when it names none or several.</summary>
    private static string? OneSystem(string text)
    {
        var systems = SystemWord().Matches(text).Select(m => System(m.Value)).Distinct().ToList();
        return systems.Count == 1 ? systems[0] : null;
    }

    private static Result Build(List<Row> rows, List<AnalystNote> notes)
    {
        var codes = new List<DraftCode>();
        var indications = new List<DraftIndication>();
        var indicationIds = new HashSet<string>(StringComparer.Ordinal);
        var listings = new List<DraftCodeListing>();
        foreach (var row in rows)
        {
            var description = InlineMarkup.Clean(string.Join(' ', row.Description));
            string? annotation = null;
            if (AnnotationAtEnd().Match(description) is { Success: true } a)
            {
                annotation = a.Groups["note"].Value;
                description = description[..a.Index].TrimEnd();
            }
            Sourced<DateOnly>? effective = null;
            if (EffectiveParenthesis().Match(description) is { Success: true } e && DocumentDates.TryParse(e.Groups["date"].Value, out var from))
            {
                effective = new Sourced<DateOnly>(from, row.Line);
                description = (description[..e.Index] + description[(e.Index + e.Length)..]).Trim();
            }
            if (row.Range is { } range)
            {
                listings.Add(new DraftCodeListing(range, row.System, description, "range", row.Group, row.Line));
                notes.Add(new AnalystNote($"code range {range}", $"{row.System} codes listed as a range (\"{Shorten(description)}\"): not expanded, since which " +
                    "codes lie within it is the code set's to say, not the document's; list the codes (or, for diagnoses, the categories) it means", row.Line));
                continue;
            }
            if (row.System == "ICD-10-PCS")
            {
                listings.Add(new DraftCodeListing(string.Join(", ", row.Codes), row.System, description, "system", row.Group, row.Line));
                notes.Add(new AnalystNote($"code {string.Join(", ", row.Codes)}", $"an ICD-10-PCS (inpatient procedure) code (\"{Shorten(description)}\"): the catalogue lists CPT and HCPCS " +
                    "procedure codes, so it is not written to the draft", row.Line));
                continue;
            }
            if (row.System == "ICD-10-CM")
            {
                // Diagnoses listed together: under the group's heading, or else the row's own description names them.
                var name = row.Heading?.Value ?? description;
                var existing = indications.FindIndex(x => x.Name == name);
                if (existing >= 0) indications[existing] = indications[existing] with { Diagnoses = [.. indications[existing].Diagnoses, .. row.Codes] };
                else indications.Add(new DraftIndication(Slug.Unique(name, indicationIds, 4), name, row.Codes, row.Heading?.Line ?? row.Line));
                continue;
            }
            if (description.StartsWith("...", StringComparison.Ordinal) || description.StartsWith('…') || AsAnother().IsMatch(description))
                notes.Add(new AnalystNote($"code {row.Codes[0]}", $"the document abbreviates the descriptor (\"{Shorten(description)}\"); write it out in full", row.Line));
            foreach (var code in row.Codes)
            {
                if (codes.Any(c => c.Code == code))
                {
                    notes.Add(new AnalystNote($"code {code}", "listed again; the draft keeps its first row", row.Line));
                    continue;
                }
                codes.Add(new DraftCode
                {
                    Code = code,
                    System = row.System,
                    Description = description,
                    Unlisted = description.StartsWith("Unlisted", StringComparison.OrdinalIgnoreCase),
                    EffectiveFrom = effective,
                    Annotation = annotation,
                    Group = row.Group,
                    GroupDetermination = row.GroupDetermination,
                    Heading = row.Heading,
                    Line = row.Line,
                });
            }
        }
        return new Result(codes, indications, notes) { Listings = listings };
    }

    private static int Indentation(string text) => text.Length - text.TrimStart().Length;

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    /// <summary>The codes of a cell ("27447", "M17.*, M17.11") or a range ("19081-19086"), or null when it is not codes.</summary>
    private static List<string>? CodeCell(string cell)
    {
        var trimmed = cell.Trim();
        if (CodeRange().Match(trimmed) is { Success: true } range && SameKind(range.Groups["from"].Value, range.Groups["to"].Value)) return [trimmed];
        var parts = trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && parts.All(IsCode) ? [.. parts] : null;
    }

    private static bool IsCode(string text) => ProcedureCode().IsMatch(text) || DiagnosisCode().IsMatch(text) || PcsCode().IsMatch(text);

    /// <summary>Both ends of a range are codes of one shape: "19081-19086", "C50.011–C50.929", not "2019-2021" or "A-B".</summary>
    private static bool SameKind(string from, string to) =>
        (CptCode().IsMatch(from) && CptCode().IsMatch(to)) || (HcpcsCode().IsMatch(from) && HcpcsCode().IsMatch(to) && from[0] == to[0])
        || (DiagnosisCode().IsMatch(from) && DiagnosisCode().IsMatch(to)) || (PcsCode().IsMatch(from) && PcsCode().IsMatch(to));

    private static string System(string written) => Spaces().Replace(written.ToUpperInvariant(), " ") switch
    {
        var s when s.StartsWith("ICD-10-PCS", StringComparison.Ordinal) || s.StartsWith("ICD-10 PROCEDURE", StringComparison.Ordinal) || s.StartsWith("ICD-10 PCS", StringComparison.Ordinal) => "ICD-10-PCS",
        var s when s.StartsWith("ICD-10", StringComparison.Ordinal) || s.StartsWith("DIAGNOSIS", StringComparison.Ordinal) => "ICD-10-CM",
        var s when s.StartsWith("HCPCS", StringComparison.Ordinal) => "HCPCS",
        _ => "CPT",
    };

    private static string? HeaderSystem(string cell) => SystemWord().Match(cell) is { Success: true } m ? System(m.Value) : null;

    private static bool IsGroupHeading(string text) =>
        text.Length > 0 && text.Split(' ').Length <= 8 && !text.EndsWith(':') && !text.EndsWith('.') && !ListItems.IsItem(text) && Columns.Split(text).Count == 1;

    [GeneratedRegex(@"^\s*(?<system>CPT|HCPCS|ICD-10-CM|ICD-10-PCS|ICD-10)(?:®|\*)*\s+(?<codes>[A-Z0-9][A-Z0-9.*]*(?:\s*[-–—]\s*[A-Z0-9][A-Z0-9.]*|(?:,\s*[A-Z0-9][A-Z0-9.*]*)*))(?:\t+|\s{2,})(?<description>\S.*)$")]
    private static partial Regex SystemRow();

    /// <summary>A code system's name in a header, caption or label: "CPT", "HCPCS", "ICD-10-CM", "ICD-10 Procedure", "Diagnosis Code".</summary>
    [GeneratedRegex(@"\b(?:CPT|HCPCS|ICD-10-CM|ICD-10-PCS|ICD-10\s+(?:Diagnosis|Procedure|PCS|CM)|ICD-10|Diagnosis(?=\s+Codes?\b))\b", RegexOptions.IgnoreCase)]
    private static partial Regex SystemWord();

    /// <summary>A caption of the rows below that is only a system's name: "CPT", "HCPCS", "ICD-10 Diagnosis", "ICD-10 Procedure Codes".</summary>
    [GeneratedRegex(@"^(?:CPT|HCPCS|ICD-10-CM|ICD-10-PCS|ICD-10(?:\s+(?:Diagnosis|Procedure|PCS|CM))?)(?:®|\*)*(?:\s+Codes?)?(?:\s+\(.*\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex SystemCaption();

    /// <summary>A table header's code column without a system: "Code", "Codes", "CODE".</summary>
    [GeneratedRegex(@"^Codes?$", RegexOptions.IgnoreCase)]
    private static partial Regex CodeHeader();

    /// <summary>A row whose code and description are one space apart: the description starts with a letter, a parenthesis or a bracket.</summary>
    [GeneratedRegex(@"^\s*(?<codes>[A-Z0-9][A-Z0-9.*]*(?:\s*[-–—]\s*[A-Z0-9][A-Z0-9.]*|\s+(?:through|thru)\s+[A-Z0-9][A-Z0-9.]*|(?:,\s*[A-Z0-9][A-Z0-9.*]*)*))\s+(?<description>[A-Za-z(\[].*)$")]
    private static partial Regex SpacedRow();

    /// <summary>A range of codes: "19081-19086", "C50.011 – C50.929", "0001U through 0005U".</summary>
    [GeneratedRegex(@"^(?<from>[A-Z0-9][A-Z0-9.]*)\s*(?:[-–—]|\s(?:through|thru)\s)\s*(?<to>[A-Z0-9][A-Z0-9.]*)$")]
    private static partial Regex CodeRange();

    /// <summary>CPT (12345, 1234T, 1234F, 1234U) and HCPCS Level II (J1234).</summary>
    [GeneratedRegex(@"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")]
    private static partial Regex ProcedureCode();

    [GeneratedRegex(@"^\d{4}[0-9FTU]$")]
    private static partial Regex CptCode();

    [GeneratedRegex(@"^[A-V]\d{4}$")]
    private static partial Regex HcpcsCode();

    /// <summary>ICD-10-CM codes and categories, with a wildcard for a whole category (M17.*).</summary>
    [GeneratedRegex(@"^[A-TV-Z]\d[0-9A-Z](?:\.(?:[0-9A-Z]{1,4}|\*))?$")]
    private static partial Regex DiagnosisCode();

    /// <summary>ICD-10-PCS: seven characters, digits and letters other than I and O, with a digit among them (0HBT0ZZ).</summary>
    [GeneratedRegex(@"^(?=.*\d)[0-9A-HJ-NP-Z]{7}$")]
    private static partial Regex PcsCode();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*\[(?<note>[^\]]+)\]\s*$")]
    private static partial Regex AnnotationAtEnd();

    [GeneratedRegex(@"\s*\((?:[^()]*?;\s*)?effective (?<date>" + DocumentDates.Pattern + @")\)")]
    private static partial Regex EffectiveParenthesis();

    [GeneratedRegex(@"^As \d{4}[0-9FTU]\b")]
    private static partial Regex AsAnother();
}
