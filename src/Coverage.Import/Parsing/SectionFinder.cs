using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// Splits a document at its headings: a line that is, by itself, one of the headings payers give these sections
/// ("Coverage Policy" and "Revision Details", "Clinical Indications" and "Coding", "POLICY:"…), once a trailing
/// colon or bracketed annotation is set aside. A line that only mentions such a
/// heading, or a table of contents entry with its page number, is not a heading.
/// </summary>
internal static partial class SectionFinder
{
    private static readonly Dictionary<string, SectionKind> Headings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["table of contents"] = SectionKind.Contents,
        ["contents"] = SectionKind.Contents,
        ["related coverage resources"] = SectionKind.RelatedResources,
        ["related policies"] = SectionKind.RelatedResources,
        ["related documents"] = SectionKind.RelatedResources,
        ["instructions for use"] = SectionKind.Instructions,
        ["overview"] = SectionKind.Overview,
        ["description"] = SectionKind.Overview,
        ["summary"] = SectionKind.Overview,
        ["scope"] = SectionKind.Overview,
        ["coverage policy"] = SectionKind.Coverage,
        ["clinical indications"] = SectionKind.Coverage,
        ["policy"] = SectionKind.Coverage,
        ["policy statement"] = SectionKind.Coverage,
        ["medical policy statement"] = SectionKind.Coverage,
        ["coverage criteria"] = SectionKind.Coverage,
        ["coverage"] = SectionKind.Coverage,
        ["coding information"] = SectionKind.Coding,
        ["coding"] = SectionKind.Coding,
        ["codes"] = SectionKind.Coding,
        ["billing and coding"] = SectionKind.Coding,
        ["general background"] = SectionKind.Background,
        ["background"] = SectionKind.Background,
        ["rationale"] = SectionKind.Background,
        ["key points"] = SectionKind.Background,
        ["health equity considerations"] = SectionKind.Background,
        ["governing bodies"] = SectionKind.Background,
        ["benefit application"] = SectionKind.Background,
        ["references"] = SectionKind.References,
        ["revision details"] = SectionKind.Revisions,
        ["revision history"] = SectionKind.Revisions,
        ["document history"] = SectionKind.Revisions,
        ["policy history"] = SectionKind.Revisions,
    };

    public static IReadOnlyList<Section> Split(PolicyDocument document)
    {
        var sections = new List<Section>();
        var kind = SectionKind.Front;
        SourceLine? heading = null;
        var name = "Front matter";
        var lines = new List<SourceLine>();
        foreach (var line in document.Lines)
        {
            if (HeadingOf(line.Text) is { } found)
            {
                sections.Add(new Section(kind, heading, name, lines));
                (kind, heading, name, lines) = (found.Kind, line, found.Name, []);
            }
            else lines.Add(line);
        }
        sections.Add(new Section(kind, heading, name, lines));
        return sections;
    }

    /// <summary>The heading a line is, with its name as the document writes it ("POLICY", "Coding").</summary>
    public static (SectionKind Kind, string Name)? HeadingOf(string line)
    {
        var text = Annotation().Replace(line, "").Trim().TrimEnd(':').Trim();
        if (text.Length == 0 || !Headings.TryGetValue(text, out var kind)) return null;
        return (kind, text);
    }

    [GeneratedRegex(@"\s*\[[^\]]*\]\s*$")]
    private static partial Regex Annotation();
}
