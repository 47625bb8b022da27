using System.Text;

namespace Coverage.Import;

/// <summary>Reads a policy document, text (.txt) or PDF (.pdf), into numbered lines.</summary>
public static class DocumentReader
{
    public static PolicyDocument Read(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ImportException(path, Directory.Exists(path) ? "is a folder, not a document" : "no such file");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".txt" or ".text" => ReadText(path, name),
            ".pdf" => new PolicyDocument(name, PdfTextLayer.Read(path)),
            _ => throw new ImportException(path, $"'{extension}' is not a document the importer reads (.txt or .pdf)"),
        };
    }

    private static PolicyDocument ReadText(string path, string name)
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
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        return new PolicyDocument(name, [.. lines.Take(count).Select((line, i) => new SourceLine(i + 1, line.TrimEnd('\r')))]);
    }
}
