namespace Coverage.Import.Parsing;

/// <summary>
/// The revision history: each row with a date cell is a version (the date it took effect, the kind of review in its
/// first other cell and the summary of changes in the rest; a row with one other cell gives only the changes). Rows come newest first or oldest first; the result is
/// oldest first, as the catalogue lists versions.
/// </summary>
internal static class RevisionHistoryReader
{
    public sealed record Revision(DateOnly Effective, string? ReviewType, string? Changes, SourceLine Line);

    public static List<Revision> Read(IEnumerable<Section> sections, LineUse use)
    {
        var revisions = new List<Revision>();
        foreach (var section in sections)
        {
            if (section.Heading is not null) use.Place(section.Heading);
            foreach (var line in section.Lines.Where(l => !l.IsBlank))
            {
                var cells = Columns.Split(line.Text);
                var dateCell = cells.Select((c, i) => (c, i)).Where(x => DocumentDates.TryParse(x.c, out _)).Select(x => (int?)x.i).LastOrDefault();
                if (cells.Count < 2)
                {
                    continue;
                }
                if (dateCell is not { } at)
                {
                    // The table's header row ("Type of Revision  Summary of Changes  Date") belongs to the table.
                    if (cells.Any(c => c.Contains("Date", StringComparison.OrdinalIgnoreCase)) && revisions.Count == 0) use.Place(line);
                    continue;
                }
                if (!DocumentDates.TryParse(cells[at], out var date)) continue;
                var others = cells.Where((_, i) => i != at).Select(InlineMarkup.Clean).Where(c => c.Length > 0).ToList();
                // Type, then changes; a row of one cell beside its date says only what changed.
                revisions.Add(others.Count > 1
                    ? new Revision(date, others[0], string.Join(' ', others.Skip(1)), line)
                    : new Revision(date, null, others.FirstOrDefault(), line));
                use.Place(line);
            }
        }
        return [.. revisions.OrderBy(r => r.Effective)];
    }
}
