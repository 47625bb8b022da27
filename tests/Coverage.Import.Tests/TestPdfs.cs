using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Coverage.Import.Tests;

/// <summary>
/// PDFs written with PdfPig's own writer from a text, with its line layout: one text line per PDF line in Courier
/// (a standard 14 font, monospaced, so columns and indentation stay where the text has them), tabs set to the next
/// tab stop, a new page after at least <see cref="LinesPerPage"/> lines at a blank line (the blank line is the page
/// break). A character beyond ASCII is drawn in its usual ASCII form (’ as ', ≤ as &lt;=, the bullet • as a space)
/// or as '?' (see <see cref="CanDraw"/>), and the text actually drawn is returned, so that a test knows what the
/// PDF says.
/// </summary>
internal static class TestPdfs
{
    public const int LinesPerPage = 60;
    private const double FontSize = 7;
    private const double Leading = 9;
    private const double Margin = 36;
    /// <summary>Courier's advance: 600/1000 of the font size.</summary>
    private const double CharWidth = FontSize * 0.6;

    /// <param name="wordByWord">
    /// Draw each word on its own at its column, with no space glyphs between (as many PDF producers do), so that the
    /// reader must find word and column breaks and indentation from positions alone.
    /// </param>
    public static (byte[] Pdf, string Drawn) FromText(string text, bool wordByWord = false)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Courier);
        var drawable = new Dictionary<char, bool>();
        var drawn = new List<string>();
        PdfPageBuilder? page = null;
        var y = 0.0;
        var onPage = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'))
        {
            if (page is not null && onPage >= LinesPerPage && raw.Trim().Length == 0)
            {
                page = null;
                drawn.Add("");
                continue;
            }
            if (page is null)
            {
                page = builder.AddPage(PageSize.A4);
                y = page.PageSize.Height - Margin;
                onPage = 0;
            }
            var line = string.Concat(ExpandTabs(raw).Select(c => CanDraw(page, font, c, drawable) ? c.ToString() : Ascii(c))).TrimEnd();
            if (!wordByWord && line.Length > 0) page.AddText(line, FontSize, new PdfPoint(Margin, y), font);
            if (wordByWord)
                foreach (System.Text.RegularExpressions.Match word in System.Text.RegularExpressions.Regex.Matches(line, @"\S+"))
                    page.AddText(word.Value, FontSize, new PdfPoint(Margin + word.Index * CharWidth, y), font);
            drawn.Add(line);
            y -= Leading;
            onPage++;
        }
        return (builder.Build(), string.Join('\n', drawn));
    }

    /// <summary>
    /// A printed policy's PDF: <paramref name="linesPerPage"/> lines of the text on each page (Helvetica, proportional,
    /// as payers print), under a running header and over a footer "Page N of M" in a smaller size, both repeated on
    /// every page. Returns the PDF and the body text it draws, line by line, without the header and footer.
    /// </summary>
    public static byte[] Printed(string text, string header, int linesPerPage)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        var pages = (lines.Length + linesPerPage - 1) / linesPerPage;
        var builder = new PdfDocumentBuilder();
        var body = builder.AddStandard14Font(Standard14Font.Helvetica);
        var small = builder.AddStandard14Font(Standard14Font.HelveticaOblique);
        for (var p = 0; p < pages; p++)
        {
            var page = builder.AddPage(PageSize.Letter);
            var top = page.PageSize.Height - Margin;
            if (header.Length > 0) page.AddText(header, 8, new PdfPoint(Margin, top), small);
            var y = top - 24;
            foreach (var raw in lines.Skip(p * linesPerPage).Take(linesPerPage))
            {
                var line = ExpandTabs(raw);
                var indent = line.Length - line.TrimStart().Length;
                // Columns: each run of text after a gap of two or more spaces starts at its own x, as a table's cells do.
                foreach (System.Text.RegularExpressions.Match cell in System.Text.RegularExpressions.Regex.Matches(line.Trim(), @"\S+(?: \S+)*"))
                {
                    var drawable = string.Concat(cell.Value.Select(c => c is >= ' ' and <= '~' ? c.ToString() : Ascii(c)));
                    page.AddText(drawable, 10, new PdfPoint(Margin + (indent + cell.Index) * 6, y), body);
                }
                y -= 13;
            }
            page.AddText($"Page {p + 1} of {pages}", 8, new PdfPoint(page.PageSize.Width / 2 - 20, Margin - 12), small);
        }
        return builder.Build();
    }

    /// <summary>A PDF whose only page holds a drawn rectangle and no text: what a scan without OCR looks like to a reader.</summary>
    public static byte[] WithoutText()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(PageSize.A4);
        page.DrawRectangle(new PdfPoint(100, 100), 200, 300);
        return builder.Build();
    }

    /// <summary>
    /// The PDF with an encryption dictionary in its trailer (Standard security handler, revision 2) whose password
    /// check no empty password passes: a reader must refuse it as a document it cannot decrypt.
    /// </summary>
    public static byte[] Encrypted(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var trailer = text.LastIndexOf("trailer", StringComparison.Ordinal);
        var open = text.IndexOf("<<", trailer, StringComparison.Ordinal);
        Assert.True(trailer > 0 && open > 0, "the writer's PDF has a classic trailer");
        var key = new string('A', 64);
        var encrypt = $" /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /O <{key}> /U <{key}> /P -44 >> /ID [<{new string('B', 32)}> <{new string('B', 32)}>] ";
        return System.Text.Encoding.Latin1.GetBytes(text[..(open + 2)] + encrypt + text[(open + 2)..]);
    }

    private static string ExpandTabs(string line)
    {
        var expanded = new System.Text.StringBuilder();
        foreach (var c in line)
        {
            if (c != '\t')
            {
                expanded.Append(c);
                continue;
            }
            // A tab is a column break: at least two spaces, to the next stop of eight.
            var spaces = 8 - (expanded.Length % 8);
            expanded.Append(' ', spaces < 2 ? spaces + 8 : spaces);
        }
        return expanded.ToString();
    }

    /// <summary>What the test's PDF draws for a character it cannot: its usual ASCII form, or '?'.</summary>
    private static string Ascii(char c) => c switch
    {
        '’' or '‘' => "'",
        '“' or '”' => "\"",
        '–' or '—' => "-",
        '•' => " ",
        '®' => "(R)",
        '©' => "(C)",
        '≥' => ">=",
        '≤' => "<=",
        _ => "?",
    };

    private static bool CanDraw(PdfPageBuilder page, PdfDocumentBuilder.AddedFont font, char c, Dictionary<char, bool> known)
    {
        // Beyond ASCII, PdfPig writes a standard 14 font's text in an encoding it does not read back the same
        // (® is read as the ligature ﬁ, © as a quote): such characters are drawn as '?'.
        if (c is < ' ' or > '~') return false;
        if (known.TryGetValue(c, out var can)) return can;
        try
        {
            page.MeasureText(c.ToString(), FontSize, new PdfPoint(0, 0), font);
            can = true;
        }
        catch (InvalidOperationException)
        {
            can = false;
        }
        catch (NotSupportedException)
        {
            can = false;
        }
        return known[c] = can;
    }
}
