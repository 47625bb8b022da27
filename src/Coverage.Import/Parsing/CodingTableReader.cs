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
    public sealed record Result(IReadOnlyList<DraftCode> Codes, IReadOnlyList<DraftIndication> Indications, IReadOnlyList<AnalystNote> Notes);

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
    }

    public static Result Read(IEnumerable<Section> sections, LineUse use)
    {
        var rows = new List<Row>();
        var notes = new List<AnalystNote>();
        foreach (var section in sections)
        {
            if (section.Heading is not null) use.Place(section.Heading);
            string? tableSystem = null;
            Sourced<string>? group = null, heading = null;
            string? groupDetermination = null;
            Row? open = null;
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
                if (SystemRow().Match(text) is { Success: true } withSystem && Codes(withSystem.Groups["codes"].Value) is { } listed)
                {
                    open = new Row(System(withSystem.Groups["system"].Value), listed, line, group, groupDetermination, heading);
                    open.Description.Add(withSystem.Groups["description"].Value);
                    rows.Add(open);
                    use.Place(line);
                    continue;
                }
                var cells = Columns.Split(text);
                if (tableSystem is not null && cells.Count >= 2 && Codes(cells[0]) is { } tabled && !char.IsWhiteSpace(text[0]))
                {
                    open = new Row(tableSystem, tabled, line, group, groupDetermination, heading);
                    open.Description.Add(string.Join(' ', cells.Skip(1)));
                    rows.Add(open);
                    use.Place(line);
                    continue;
                }
                if (open is not null && Indentation(text) > open.Indent && !ListItems.IsItem(text) && Determinations.Find(text) is null)
                {
                    open.Description.Add(text.Trim());
                    use.Place(line);
                    continue;
                }
                open = null;
                if (cells.Count >= 2 && HeaderSystem(cells[0]) is { } system && cells.Skip(1).Any(c => c.Contains("Description", StringComparison.OrdinalIgnoreCase)))
                {
                    tableSystem = system;
                    use.Place(line);
                    continue;
                }
                var trimmed = text.Trim();
                if (trimmed.EndsWith(':') && Determinations.Find(trimmed) is { } determination)
                {
                    (group, groupDetermination) = (new Sourced<string>(trimmed, line), determination);
                    use.Place(line);
                    continue;
                }
                var next = lines.Skip(i + 1).FirstOrDefault(l => !l.IsBlank);
                if (IsGroupHeading(trimmed) && next is not null && next.Text.Trim().EndsWith(':') && Determinations.Find(next.Text) is not null)
                {
                    (heading, group, groupDetermination) = (new Sourced<string>(trimmed, line), null, null);
                    use.Place(line);
                }
            }
        }
        return Build(rows, notes);
    }

    private static Result Build(List<Row> rows, List<AnalystNote> notes)
    {
        var codes = new List<DraftCode>();
        var indications = new List<DraftIndication>();
        var indicationIds = new HashSet<string>(StringComparer.Ordinal);
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
        return new Result(codes, indications, notes);
    }

    private static int Indentation(string text) => text.Length - text.TrimStart().Length;

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    /// <summary>The codes of a cell ("27447", "M17.*, M17.11"), or null when it is not a list of codes.</summary>
    private static List<string>? Codes(string cell)
    {
        var parts = cell.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && parts.All(p => ProcedureCode().IsMatch(p) || DiagnosisCode().IsMatch(p)) ? [.. parts] : null;
    }

    private static string System(string written) => written.ToUpperInvariant() switch
    {
        var s when s.StartsWith("ICD-10-CM", StringComparison.Ordinal) || s == "ICD-10" => "ICD-10-CM",
        var s when s.StartsWith("HCPCS", StringComparison.Ordinal) => "HCPCS",
        _ => "CPT",
    };

    private static string? HeaderSystem(string cell) => SystemWord().Match(cell) is { Success: true } m ? System(m.Value) : null;

    private static bool IsGroupHeading(string text) =>
        text.Length > 0 && text.Split(' ').Length <= 8 && !text.EndsWith(':') && !text.EndsWith('.') && !ListItems.IsItem(text) && Columns.Split(text).Count == 1;

    [GeneratedRegex(@"^\s*(?<system>CPT|HCPCS|ICD-10-CM|ICD-10)(?:®|\*)*\s+(?<codes>[A-Z0-9][A-Z0-9.*]*(?:,\s*[A-Z0-9][A-Z0-9.*]*)*)(?:\t+|\s{2,})(?<description>\S.*)$")]
    private static partial Regex SystemRow();

    [GeneratedRegex(@"\b(?:CPT|HCPCS|ICD-10-CM|ICD-10)\b")]
    private static partial Regex SystemWord();

    /// <summary>CPT (12345, 1234T, 1234F, 1234U) and HCPCS Level II (J1234).</summary>
    [GeneratedRegex(@"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")]
    private static partial Regex ProcedureCode();

    /// <summary>ICD-10-CM codes and categories, with a wildcard for a whole category (M17.*).</summary>
    [GeneratedRegex(@"^[A-TV-Z]\d[0-9A-Z](?:\.(?:[0-9A-Z]{1,4}|\*))?$")]
    private static partial Regex DiagnosisCode();

    [GeneratedRegex(@"\s*\[(?<note>[^\]]+)\]\s*$")]
    private static partial Regex AnnotationAtEnd();

    [GeneratedRegex(@"\s*\((?:[^()]*?;\s*)?effective (?<date>" + DocumentDates.Pattern + @")\)")]
    private static partial Regex EffectiveParenthesis();

    [GeneratedRegex(@"^As \d{4}[0-9FTU]\b")]
    private static partial Regex AsAnother();
}
