using PdfSharp.Fonts;

namespace Coverage.Server.Workbench.Notices;

/// <summary>
/// PDFsharp 6 finds no system fonts on Linux by itself: this resolver serves DejaVu Sans (Debian's
/// fonts-dejavu-core, which test.sh installs) for every family the notice asks for. Italic is not
/// shipped by fonts-dejavu-core, so the notice never asks for it.
/// </summary>
public sealed class DebianFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    /// <summary>Where the fonts are looked for, first match wins; COVERAGE_FONT_DIR comes first when set.</summary>
    public static IReadOnlyList<string> Folders { get; } =
    [
        .. Environment.GetEnvironmentVariable("COVERAGE_FONT_DIR") is { Length: > 0 } custom ? new[] { custom } : [],
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/local/share/fonts",
    ];

    private static readonly Lock Gate = new();

    /// <summary>Installs the resolver once per process; PDFsharp keeps one resolver for all documents.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is DebianFontResolver) return;
            GlobalFontSettings.FontResolver = new DebianFontResolver();
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? Bold : Regular);

    public byte[]? GetFont(string faceName)
    {
        foreach (var folder in Folders)
        {
            var path = Path.Combine(folder, faceName + ".ttf");
            if (File.Exists(path)) return File.ReadAllBytes(path);
        }
        throw new FileNotFoundException(
            $"The notice's font {faceName}.ttf was not found in {string.Join(", ", Folders)}; install Debian's fonts-dejavu-core (test.sh does).");
    }
}
