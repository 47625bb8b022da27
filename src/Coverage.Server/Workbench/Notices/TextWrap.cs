using System.Globalization;

namespace Coverage.Server.Workbench.Notices;

/// <summary>
/// Breaks text into lines no wider than a width, in time linear in the text's length. Each word is measured
/// once and a line's width is the sum of its words and spaces (never re-measured as it grows); a word wider
/// than the line is cut by adding up its characters' widths once. Measuring growing prefixes instead made
/// an 8,000-character word take 44 s (cubic): a reviewer's rationale must not be a way to stall the server.
/// </summary>
public static class TextWrap
{
    /// <param name="text">Paragraphs separated by line feeds (carriage returns are ignored).</param>
    /// <param name="measure">The width of a piece of text; called on single words, single spaces and single characters only.</param>
    /// <param name="width">The line's width, in the unit of <paramref name="measure"/>.</param>
    /// <param name="cancellationToken">Checked once per line: an abandoned request stops rendering.</param>
    public static IEnumerable<string> Wrap(string text, Func<string, double> measure, double width, CancellationToken cancellationToken = default)
    {
        var space = measure(" ");
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = new System.Text.StringBuilder();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var wordWidth = measure(word);
                if (line.Length > 0 && lineWidth + space + wordWidth <= width)
                {
                    line.Append(' ').Append(word);
                    lineWidth += space + wordWidth;
                    continue;
                }
                if (line.Length > 0)
                {
                    yield return line.ToString();
                    line.Clear();
                    lineWidth = 0;
                }
                if (wordWidth <= width)
                {
                    line.Append(word);
                    lineWidth = wordWidth;
                    continue;
                }
                // A word wider than the line (a long URL) is cut where it must be, between characters as a
                // reader sees them (a surrogate pair or a letter with its accents is never split).
                var position = 0;
                while (position < word.Length)
                {
                    var length = StringInfo.GetNextTextElementLength(word, position);
                    var element = word.Substring(position, length);
                    var elementWidth = measure(element);
                    if (line.Length > 0 && lineWidth + elementWidth > width)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        yield return line.ToString();
                        line.Clear();
                        lineWidth = 0;
                    }
                    line.Append(element);
                    lineWidth += elementWidth;
                    position += length;
                }
            }
            yield return line.ToString();
        }
    }
}
