namespace Coverage.Engine.Descriptions;

/// <summary>
/// The script of a letter, by the Unicode blocks of the scripts a description is likely to meet. It only names
/// scripts in the reason a description is refused ("mixes scripts (Latin, Cyrillic)"): what is refused is decided
/// without it, so a letter of a script not listed here is refused all the same, as "another script".
/// </summary>
internal static class Scripts
{
    public const string Latin = "Latin";
    public const string Other = "another script";

    private static readonly (int First, int Last, string Name)[] Blocks =
    [
        (0x0041, 0x005A, Latin), (0x0061, 0x007A, Latin), (0x00C0, 0x024F, Latin), (0x0250, 0x02AF, Latin),
        (0x1D00, 0x1DBF, Latin), (0x1E00, 0x1EFF, Latin), (0x2C60, 0x2C7F, Latin), (0xA720, 0xA7FF, Latin), (0xAB30, 0xAB6F, Latin),
        (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"), (0x1C80, 0x1C8F, "Cyrillic"), (0x2DE0, 0x2DFF, "Cyrillic"), (0xA640, 0xA69F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0x08A0, 0x08FF, "Arabic"), (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x10A0, 0x10FF, "Georgian"), (0x2D00, 0x2D2F, "Georgian"),
        (0x13A0, 0x13FF, "Cherokee"), (0xAB70, 0xABBF, "Cherokee"),
        (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
        (0x3040, 0x309F, "Hiragana"),
        (0x30A0, 0x30FF, "Katakana"),
        (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"), (0x20000, 0x2FFFF, "Han"),
    ];

    /// <summary>The name of the script of the letter <paramref name="codePoint"/>, or <see cref="Other"/>.</summary>
    public static string Of(int codePoint)
    {
        foreach (var (first, last, name) in Blocks)
            if (codePoint >= first && codePoint <= last) return name;
        return Other;
    }
}
