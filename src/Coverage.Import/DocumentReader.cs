using System.Text;
using Coverage.Import.Layout;

namespace Coverage.Import;

/// <summary>
/// Reads a policy document, text (.txt) or PDF (.pdf), into numbered lines, read as plain text (Layout.Typography),
/// with the page headers and footers set aside (Layout.PageFurniture) and words a line break hyphenated made whole
/// (Layout.LineBreakHyphens). Every line keeps the number it has in the file, or in the PDF's text layer.
/// </summary>
public static class DocumentReader
{
    public static PolicyDocument Read(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ImportException(path, Directory.Exists(path) ? "is a folder, not a document" : "no such file");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var lines = extension switch
        {
            ".txt" or ".text" => ReadText(path),
            ".pdf" => PdfTextLayer.Read(path),
            _ => throw new ImportException(path, $"'{extension}' is not a document the importer reads (.txt or .pdf)"),
        };
        var document = FromLines(name, lines);
        if (document.Lines.All(l => l.IsBlank))
            // A scan whose only text is a stamped page number or header: the policy's words are images.
            throw new ImportException(path, document.PageFurniture.Count > 0
                ? "holds no text but its page headers and footers (a scan whose pages are images?): run it through OCR first, or import the policy's text"
                : "holds no text");
        return document;
    }

    /// <summary>The document from its raw lines: plain characters, furniture set aside, broken words whole.</summary>
    public static PolicyDocument FromLines(string name, IReadOnlyList<SourceLine> raw)
    {
        var plain = raw.Select(l => l with { Text = Typography.Plain(l.Text) }).ToList();
        var laidOut = PageFurniture.SetAside(plain);
        return new PolicyDocument(name, LineBreakHyphens.Join(laidOut.Text), laidOut.Furniture);
    }

    private static List<SourceLine> ReadText(string path)
    {
        string text;
        try
        {
            // Strict UTF-8: a text file in another encoding is refused rather than read with replaced characters.
            text = File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException e)
        {
            throw new ImportException(path, "is not UTF-8 text (save it as UTF-8, or import the PDF)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportException(path, "cannot be read: " + e.Message, e);
        }
        if (text.Contains('\0', StringComparison.Ordinal)) throw new ImportException(path, "is not a text file (it holds binary data)");
        // Lines end in LF, CRLF or a lone CR; a form feed (pdftotext's page break) starts a new page.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var paged = text.Contains('\f', StringComparison.Ordinal);
        var page = 1;
        var result = new List<SourceLine>(count);
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (line.Contains('\f', StringComparison.Ordinal))
            {
                // pdftotext writes the form feed at the start of the next page's first line (or alone, after the last page).
                page += line.Count(c => c == '\f');
                line = line.Replace("\f", "", StringComparison.Ordinal);
            }
            result.Add(new SourceLine(i + 1, line, paged ? page : null));
        }
        return result;
    }
}
