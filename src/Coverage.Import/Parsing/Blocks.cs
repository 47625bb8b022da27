namespace Coverage.Import.Parsing;

/// <summary>Runs of non-blank lines, as a document separates paragraphs, list items and table rows by blank lines.</summary>
internal static class Blocks
{
    public static List<List<SourceLine>> Of(IEnumerable<SourceLine> lines)
    {
        var blocks = new List<List<SourceLine>>();
        List<SourceLine>? current = null;
        foreach (var line in lines)
        {
            if (line.IsBlank)
            {
                current = null;
                continue;
            }
            if (current is null) blocks.Add(current = []);
            current.Add(line);
        }
        return blocks;
    }

    /// <summary>
    /// Paragraphs, where a page break split one: a block that does not end a sentence, followed by one that begins in
    /// lower case, is one paragraph (the text of a PDF page ends mid-sentence).
    /// </summary>
    public static List<List<SourceLine>> Paragraphs(IEnumerable<SourceLine> lines)
    {
        var paragraphs = new List<List<SourceLine>>();
        foreach (var block in Of(lines))
        {
            var first = block[0].Text.TrimStart();
            if (paragraphs.Count > 0 && first.Length > 0 && char.IsLower(first[0]) && !EndsSentence(paragraphs[^1][^1].Text))
                paragraphs[^1].AddRange(block);
            else paragraphs.Add(block);
        }
        return paragraphs;
    }

    private static bool EndsSentence(string text)
    {
        var t = text.TrimEnd();
        return t.Length == 0 || t[^1] is '.' or ':' or '!' or '?' or ')' or '"' or '”';
    }
}
