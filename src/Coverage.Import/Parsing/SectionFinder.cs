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
        ["description/scope"] = SectionKind.Overview,
        ["description of services"] = SectionKind.Overview,
        ["description of procedure or service"] = SectionKind.Overview,
        ["coverage policy"] = SectionKind.Coverage,
        ["clinical indications"] = SectionKind.Coverage,
        ["policy"] = SectionKind.Coverage,
        ["policy statement"] = SectionKind.Coverage,
        ["medical policy statement"] = SectionKind.Coverage,
        ["coverage criteria"] = SectionKind.Coverage,
        ["coverage"] = SectionKind.Coverage,
        ["coverage rationale"] = SectionKind.Coverage,
        ["position statement"] = SectionKind.Coverage,
        ["coverage indications, limitations, and/or medical necessity"] = SectionKind.Coverage,
        ["coverage indications, limitations and/or medical necessity"] = SectionKind.Coverage,
        ["medical necessity criteria"] = SectionKind.Coverage,
        ["coverage guidelines"] = SectionKind.Coverage,
        ["applicable codes"] = SectionKind.Coding,
        ["coding implications"] = SectionKind.Coding,
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
        ["background/overview"] = SectionKind.Background,
        ["clinical evidence"] = SectionKind.Background,
        ["benefit considerations"] = SectionKind.Background,
        ["definitions"] = SectionKind.Background,
        ["summary of evidence"] = SectionKind.Background,
        ["analysis of evidence (rationale for determination)"] = SectionKind.Background,
        ["analysis of evidence"] = SectionKind.Background,
        ["general information"] = SectionKind.Background,
        ["documentation requirements"] = SectionKind.Background,
        ["utilization guidelines"] = SectionKind.Background,
        ["cms national coverage policy"] = SectionKind.Background,
        ["u.s. food and drug administration (fda)"] = SectionKind.Background,
        ["centers for medicare and medicaid services (cms)"] = SectionKind.Background,
        ["regulatory status"] = SectionKind.Background,
        ["policy guidelines"] = SectionKind.Background,
        ["websites for additional information"] = SectionKind.Background,
        ["index"] = SectionKind.Background,
        ["appendix"] = SectionKind.Background,
        ["discussion"] = SectionKind.Background,
        ["references"] = SectionKind.References,
        ["bibliography"] = SectionKind.References,
        ["sources of information"] = SectionKind.References,
        ["the above policy is based on the following references"] = SectionKind.References,
        ["revision details"] = SectionKind.Revisions,
        ["revision history"] = SectionKind.Revisions,
        ["document history"] = SectionKind.Revisions,
        ["policy history"] = SectionKind.Revisions,
        ["policy history/revision information"] = SectionKind.Revisions,
        ["revision history information"] = SectionKind.Revisions,
        ["history"] = SectionKind.Revisions,
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
        var text = Annotation().Replace(line, "").Trim();
        var listing = text.EndsWith(':');
        text = text.TrimEnd(':').Trim();
        if (text.Length == 0 || text.Length > 80) return null;
        // A heading may carry its section number ("I. Policy", "3. References"), which is not part of its name.
        var bare = SectionNumber().Replace(text, "");
        if (Headings.TryGetValue(bare, out var kind)) return (kind, text);
        // "CPT Codes / HCPCS Codes / ICD-10 Codes", "ICD-10-CM Codes that Support Medical Necessity": a heading of codes.
        // With a colon it introduces a list inside a coding section instead ("CPT codes covered if …:").
        if (!listing && CodesHeading().IsMatch(bare)) return (SectionKind.Coding, text);
        return null;
    }

    [GeneratedRegex(@"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[A-Z])")]
    private static partial Regex SectionNumber();

    [GeneratedRegex(@"^(?:CPT|HCPCS|ICD-10(?:-CM|-PCS)?)(?:®|\*)*(?:\s*(?:/|,|and)\s*(?:CPT|HCPCS|ICD-10(?:-CM|-PCS)?)(?:®|\*)*)*\s+Codes?\b(?:\s*(?:/|,|and)\s*(?:CPT|HCPCS|ICD-10(?:-CM|-PCS)?)\s+Codes?)*(?:\s+that\s+[A-Za-z ]{1,50})?$", RegexOptions.IgnoreCase)]
    private static partial Regex CodesHeading();

    [GeneratedRegex(@"\s*\[[^\]]*\]\s*$")]
    private static partial Regex Annotation();
}
