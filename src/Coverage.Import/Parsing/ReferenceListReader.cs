using System.Globalization;
using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>The numbered references: "N. citation", a citation running on over the lines up to the next number.</summary>
internal static partial class ReferenceListReader
{
    public static List<DraftReference> Read(IEnumerable<Section> sections, LineUse use, List<AnalystNote> notes)
    {
        var references = new List<DraftReference>();
        foreach (var section in sections)
        {
            if (section.Heading is not null) use.Place(section.Heading);
            (int Number, SourceLine Line, List<string> Text)? open = null;
            foreach (var line in section.Lines)
            {
                if (line.IsBlank) continue;
                if (Numbered().Match(line.Text) is { Success: true } m)
                {
                    Close();
                    open = (int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), line, [m.Groups["text"].Value]);
                    use.Place(line);
                }
                else if (open is not null && char.IsWhiteSpace(line.Text[0]))
                {
                    open.Value.Text.Add(line.Text);
                    use.Place(line);
                }
            }
            Close();

            void Close()
            {
                if (open is not { } r) return;
                var citation = InlineMarkup.Join(r.Text);
                var url = Url().Match(citation) is { Success: true } u ? u.Value.TrimEnd('.', ',', ')', ';') : null;
                if (references.Count > 0 && r.Number != references[^1].Number + 1)
                    notes.Add(new AnalystNote($"reference {r.Number}", $"follows reference {references[^1].Number}: the numbering has a gap or repeats", r.Line));
                references.Add(new DraftReference(r.Number, citation, url, r.Line));
                open = null;
            }
        }
        return references;
    }

    [GeneratedRegex(@"^\s*(?<n>\d{1,3})\.\s+(?<text>\S.*)$")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Url();
}
