using Coverage.Engine.Catalogue;

namespace Coverage.Import.Tests;

/// <summary>
/// A PDF of a source, written with PdfPig's writer in the text's line layout over several pages, imports to the
/// same draft as the text the PDF draws. The PDF and the .txt differ in the characters beyond ASCII, which the test's
/// font draws in ASCII (TestPdfs), and in the blank lines before the first text of the first page, which a PDF's text
/// layer does not hold: its line numbers are those of its text layer, with the page. 0540's codes, versions and
/// statement are ASCII, and the PDF's draft reproduces them as the hand-written policy has them.
/// </summary>
public sealed class PdfImportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, bool> AllSources() => new()
    {
        { Sources.Cigna0540, false }, { Sources.AnthemHifu, false }, { Sources.BcbsLitt, false },
        { Sources.Cigna0540, true }, { Sources.AnthemHifu, true }, { Sources.BcbsLitt, true },
    };

    /// <param name="wordByWord">Words drawn one by one without space glyphs: spaces, columns and indentation read from positions.</param>
    [Theory]
    [MemberData(nameof(AllSources))]
    public void ImportPdf_OfASource_IsTheDraftOfTheTextItDraws(string source, bool wordByWord)
    {
        var (pdf, drawn) = TestPdfs.FromText(Sources.Text(source), wordByWord);
        var pdfPath = _temp.File(Path.ChangeExtension(source, ".pdf"), pdf);
        var textPath = _temp.File(source, System.Text.Encoding.UTF8.GetBytes(drawn));

        var fromPdf = PolicyImporter.Import(pdfPath);
        var fromText = PolicyImporter.Import(textPath);

        Assert.True(fromPdf.Codes.Max(c => c.Line.Page) > 1 || fromPdf.References.Count == 0 || fromPdf.References.Max(r => r.Line.Page) > 1,
            "the PDF has several pages and the draft reads past the first");
        Assert.Equal(Comparable(fromText), Comparable(fromPdf));
    }

    [Fact]
    public void ImportPdf_Of0540_ReproducesTheHandWrittenCodesVersionsAndStatement()
    {
        var (pdf, _) = TestPdfs.FromText(Sources.Text(Sources.Cigna0540));
        var (draft, read, _) = Sources.ImportAndRead(_temp.File("0540.pdf", pdf), _temp);
        var written = CatalogueLoader.Load(Sources.Catalogue).FindPolicy("0540")!;
        var policy = read.Policy!;
        Assert.Equal(written.Codes.Values.Select(c => (c.Code, c.Description)), policy.Codes.Values.Select(c => (c.Code, c.Description)));
        Assert.Equal(written.Versions.Select(v => (v.Effective, v.ReviewType, v.Changes)), policy.Versions.Select(v => (v.Effective, v.ReviewType, v.Changes)));
        Assert.Equal(written.CurrentVersion.Statement, policy.CurrentVersion.Statement);
        Assert.Equal(written.EffectiveDate, policy.EffectiveDate);
        Assert.Equal(written.NextReviewDate, policy.NextReviewDate);
        // Provenance names the page: the revision history is on the last page.
        Assert.True(draft.Versions[^1].Effective.Line.Page > 1);
    }

    /// <summary>The draft as the policy files would hold it, without provenance (lines and pages differ by design).</summary>
    private static string Comparable(DraftPolicy draft) => DraftWriter.PolicyYaml(draft)
        .Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.Split("  # ")[0])
        .Aggregate("", (all, line) => all + line + "\n")
        .Replace(draft.SourceFile, "SOURCE", StringComparison.Ordinal);

    [Fact]
    public void ImportPdf_WithoutATextLayer_IsRefusedNamingTheFileAndWhy()
    {
        var path = _temp.File("scan.pdf", TestPdfs.WithoutText());
        var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(path));
        Assert.Equal(path, error.File);
        Assert.Contains("without a text layer", error.Reason, StringComparison.Ordinal);
        Assert.Contains("OCR", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportPdf_Corrupt_IsRefusedNamingTheFileAndWhy()
    {
        var (pdf, _) = TestPdfs.FromText(Sources.Text(Sources.AnthemHifu));
        var truncated = _temp.File("truncated.pdf", pdf[..(pdf.Length / 3)]);
        var garbage = _temp.File("garbage.pdf", [.. System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n"), .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 37 % 251))]);
        foreach (var path in new[] { truncated, garbage })
        {
            var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(path));
            Assert.Equal(path, error.File);
            Assert.Matches("not a readable PDF|damaged PDF|without a text layer|without pages", error.Reason);
        }
    }

    [Fact]
    public void ImportPdf_Encrypted_IsRefusedNamingTheFileAndWhy()
    {
        var (pdf, _) = TestPdfs.FromText(Sources.Text(Sources.AnthemHifu));
        var path = _temp.File("encrypted.pdf", TestPdfs.Encrypted(pdf));
        var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(path));
        Assert.Equal(path, error.File);
        Assert.Contains("encrypted", error.Reason, StringComparison.Ordinal);
    }
}
