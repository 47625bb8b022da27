using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Exceptions;

namespace Coverage.Import;

/// <summary>
/// The text layer of a PDF as lines, through PdfPig: letters on one baseline make a line (left to right), lines run
/// top to bottom, a page break is one blank line. Where a PDF draws no space glyph, a gap between letters is read as
/// spaces (two or more where the gap is wider than a letter: table columns), and a line's indentation and the blank
/// lines between paragraphs are read from the positions, so that the parser sees the layout a text file has.
/// </summary>
public static class PdfTextLayer
{
    /// <summary>Letters whose baselines differ by less than this share a line (points).</summary>
    private const double SameLineTolerance = 2.0;

    public static IReadOnlyList<SourceLine> Read(string path)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(path);
        }
        catch (PdfDocumentEncryptedException e)
        {
            throw new ImportException(path, "is an encrypted PDF that cannot be opened without its password: import an unencrypted copy", e);
        }
        catch (Exception e) when (e is PdfDocumentFormatException or InvalidOperationException or ArgumentException or IOException
                                      or FormatException or IndexOutOfRangeException or NullReferenceException or KeyNotFoundException
                                      or InvalidCastException or OverflowException or NotSupportedException)
        {
            throw new ImportException(path, "is not a readable PDF: " + e.Message, e);
        }
        using (document)
        {
            var lines = new List<SourceLine>();
            try
            {
                foreach (var page in document.GetPages())
                {
                    if (lines.Count > 0) lines.Add(new SourceLine(lines.Count + 1, "", page.Number));
                    foreach (var text in PageLines(page))
                        lines.Add(new SourceLine(lines.Count + 1, text, page.Number));
                }
            }
            catch (PdfDocumentEncryptedException e)
            {
                throw new ImportException(path, "is an encrypted PDF that cannot be opened without its password: import an unencrypted copy", e);
            }
            catch (Exception e) when (e is PdfDocumentFormatException or InvalidOperationException or ArgumentException or FormatException
                                          or IndexOutOfRangeException or NullReferenceException or KeyNotFoundException or InvalidCastException)
            {
                throw new ImportException(path, "is a damaged PDF whose pages cannot be read: " + e.Message, e);
            }
            if (lines.All(l => l.IsBlank))
                throw new ImportException(path, document.NumberOfPages == 0
                    ? "is a PDF without pages"
                    : $"is a PDF without a text layer ({document.NumberOfPages} page{(document.NumberOfPages == 1 ? "" : "s")} of images, such as a scan): " +
                      "run it through OCR first, or import the policy's text");
            return lines;
        }
    }

    private static List<string> PageLines(Page page)
    {
        var letters = page.Letters.Where(l => l.Value.Length > 0 && !string.IsNullOrEmpty(l.Value.Trim('\0'))).ToList();
        if (letters.Count == 0) return [];
        // Baselines from the top of the page down; each a line of letters, left to right.
        var rows = new List<List<Letter>>();
        foreach (var letter in letters.OrderByDescending(l => l.StartBaseLine.Y).ThenBy(l => l.StartBaseLine.X))
        {
            var row = rows.Count > 0 && Math.Abs(rows[^1][0].StartBaseLine.Y - letter.StartBaseLine.Y) < SameLineTolerance ? rows[^1] : null;
            if (row is null) rows.Add(row = []);
            row.Add(letter);
        }
        foreach (var row in rows) row.Sort((a, b) => a.StartBaseLine.X.CompareTo(b.StartBaseLine.X));

        var charWidth = Median(letters.Where(l => l.Value != " " && l.Width > 0).Select(l => l.Width).DefaultIfEmpty(5));
        var left = rows.Min(r => r[0].StartBaseLine.X);
        // The line height is the smallest step between baselines that a line of text takes (a superscript's own
        // baseline, a fraction of the font size away, is not a line of its own height).
        var fontSize = Median(letters.Select(l => l.PointSize).Where(p => p > 0).DefaultIfEmpty(10));
        var steps = rows.Zip(rows.Skip(1), (a, b) => a[0].StartBaseLine.Y - b[0].StartBaseLine.Y).Where(d => d >= fontSize * 0.9).ToList();
        var lineHeight = steps.Count == 0 ? fontSize * 1.2 : steps.Min();

        var lines = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0)
            {
                // A gap of several line heights is as many blank lines: paragraphs stay apart.
                var blank = (int)Math.Round((rows[i - 1][0].StartBaseLine.Y - rows[i][0].StartBaseLine.Y) / lineHeight) - 1;
                for (var b = 0; b < blank; b++) lines.Add("");
            }
            lines.Add(LineText(rows[i], left, charWidth));
        }
        return lines;
    }

    private static string LineText(List<Letter> row, double left, double charWidth)
    {
        var text = new StringBuilder();
        var indent = (int)Math.Round((row[0].StartBaseLine.X - left) / charWidth);
        text.Append(' ', Math.Max(0, indent));
        Letter? previous = null;
        foreach (var letter in row)
        {
            if (previous is not null && previous.Value != " " && letter.Value != " ")
            {
                var gap = letter.StartBaseLine.X - (previous.StartBaseLine.X + previous.Width);
                // No space glyph: a gap of a fraction of a letter is a word space, a wider one a column break.
                if (gap > charWidth * 1.5) text.Append(' ', Math.Max(2, (int)Math.Round(gap / charWidth)));
                else if (gap > charWidth * 0.2) text.Append(' ');
            }
            text.Append(letter.Value);
            previous = letter;
        }
        return text.ToString().TrimEnd();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
