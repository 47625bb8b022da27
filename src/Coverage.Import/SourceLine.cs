namespace Coverage.Import;

/// <summary>
/// One line of the document as read: its number (1-based, the line of the text file, or of the PDF's text layer
/// in reading order) and, for a PDF, the page it is on. Everything the importer writes names the line it came from.
/// </summary>
public sealed record SourceLine(int Number, string Text, int? Page = null)
{
    /// <summary>"line 42", or "page 3, line 42" for a PDF.</summary>
    public string Where => Page is { } page ? $"page {page}, line {Number}" : $"line {Number}";

    public bool IsBlank => string.IsNullOrWhiteSpace(Text);
}
