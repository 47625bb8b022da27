using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// The revision history: each row with a date cell is a version (the date it took effect, the kind of review in its
/// first other cell and the summary of changes in the rest; a row with one other cell gives only the changes). Rows come newest first or oldest first; the result is
/// oldest first, as the catalogue lists versions.
/// </summary>
internal static partial class RevisionHistoryReader
{
    public sealed record Revision(DateOnly Effective, string? ReviewType, string? Changes, SourceLine Line);

    public static List<Revision> Read(IEnumerable<Section> sections, LineUse use)
    {
        var revisions = new List<Revision>();
        foreach (var section in sections)
        {
            if (section.Heading is not null) use.Place(section.Heading);
            (Revision Row, int Indent, List<string> Items)? open = null;
            foreach (var line in section.Lines)
            {
                if (line.IsBlank || use.IsPlaced(line)) continue; // the front page's dates, read by the header, are not rows
                var cells = Columns.Split(line.Text);
                if (cells.Count == 1 && DatedLine().Match(line.Text) is { Success: true } dated)
                    cells = [dated.Groups["date"].Value, dated.Groups["rest"].Value];
                var dateCell = cells.Select((c, i) => (c, i)).Where(x => DocumentDates.TryParse(x.c, out _)).Select(x => (int?)x.i).LastOrDefault();
                if (dateCell is null && open is { } row && (ListItems.IsItem(line.Text) || Indentation(line.Text) > row.Indent))
                {
                    // "01/01/2025  Coding Clarification" and the bullets under it: what changed.
                    row.Items.Add(ListItems.Body(line.Text, out _) is { Length: > 0 } body ? InlineMarkup.Clean(body) : InlineMarkup.Clean(line.Text));
                    use.Place(line);
                    continue;
                }
                Close();
                if (cells.Count < 2) continue;
                if (dateCell is not { } at)
                {
                    // The table's header row ("Type of Revision  Summary of Changes  Date") belongs to the table.
                    if (cells.Any(c => c.Contains("Date", StringComparison.OrdinalIgnoreCase)) && revisions.Count == 0) use.Place(line);
                    continue;
                }
                if (!DocumentDates.TryParse(cells[at], out var date)) continue;
                var others = cells.Where((_, i) => i != at).Select(InlineMarkup.Clean).Where(c => c.Length > 0).ToList();
                // Type, then changes; a row of one cell beside its date says only what changed.
                var revision = others.Count > 1
                    ? new Revision(date, others[0], string.Join(' ', others.Skip(1)), line)
                    : new Revision(date, null, others.FirstOrDefault(), line);
                open = (revision, Indentation(line.Text), []);
                use.Place(line);
            }
            Close();

            void Close()
            {
                if (open is not { } row) return;
                var revision = row.Row;
                if (row.Items.Count > 0)
                    // The row's own cell names the kind of change when its items say what changed.
                    revision = revision.ReviewType is null
                        ? revision with { ReviewType = revision.Changes, Changes = string.Join("; ", row.Items) }
                        : revision with { Changes = $"{revision.Changes} {string.Join("; ", row.Items)}" };
                revisions.Add(revision);
                open = null;
            }
        }
        return [.. revisions.OrderBy(r => r.Effective)];
    }

    private static int Indentation(string text) => text.Length - text.TrimStart().Length;

    /// <summary>A row written with single spaces: "01/01/2025 Annual review".</summary>
    [GeneratedRegex(@"^\s*(?<date>" + DocumentDates.Pattern + @")\s+(?<rest>\S.*)$")]
    private static partial Regex DatedLine();
}
