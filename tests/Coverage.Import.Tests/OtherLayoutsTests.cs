using System.Text;
using Coverage.Testing;

namespace Coverage.Import.Tests;

/// <summary>
/// Documents in the layouts of other payers (synthetic fixtures in Fixtures/Layouts, each marked as such: an Aetna
/// Clinical Policy Bulletin, a UnitedHealthcare medical policy, an Anthem medical policy, a Medicare LCD) import with
/// their number, dates, statements, criteria and codes placed, ranges and ICD-10-PCS codes kept verbatim but not
/// written as codes, and everything traceable to the line it came from. The same documents printed as PDFs (running
/// headers, "Page N of M" footers, table columns), with CRLF, no-break spaces, ligatures or hyphenated line breaks,
/// give the same draft.
/// </summary>
public sealed class OtherLayoutsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Fixture(string name) => Path.Combine(RepositoryRoot.Path, "tests", "Coverage.Import.Tests", "Fixtures", "Layouts", name);

    public sealed record Expected(
        string File, string Number, string Title, string? Effective, string[] Determinations, int Criteria, string[] Codes, string[] Diagnoses, string[] NotWritten, int Versions);

    private static readonly string[] LayoutFiles = ["aetna-cpb-layout.txt", "uhc-layout.txt", "anthem-med-layout.txt", "medicare-lcd-layout.txt"];

    public static TheoryData<string> Layouts() => [.. LayoutFiles];

    private static readonly Dictionary<string, Expected> Expectations = new()
    {
        ["aetna-cpb-layout.txt"] = new("aetna-cpb-layout.txt", "0917", "Thermal Balloon Therapy of the Example Organ", "2009-05-01",
            ["medically-necessary", "experimental-investigational-unproven"], 3,
            ["CPT 58353", "CPT 0404T", "CPT 76830", "HCPCS A4649"], ["N93.8"], ["N92.0 - N92.6", "C54.0 – C54.9"], 1),
        ["uhc-layout.txt"] = new("uhc-layout.txt", "2025T0999A", "Example Nerve Stimulation for Chronic Example Pain", "2025-01-01",
            ["medically-necessary", "experimental-investigational-unproven"], 3,
            ["CPT 64555", "CPT 64590", "HCPCS L8679"], ["G89.29", "M54.50"], [], 2),
        // The publish date (2025-01-08) is not the latest revision's (2024-11-14): the draft leaves the choice to the analyst.
        ["anthem-med-layout.txt"] = new("anthem-med-layout.txt", "MED.00999", "Example Cryotherapy of Breast Lesions", null,
            ["medically-necessary", "experimental-investigational-unproven"], 2,
            ["CPT 19105"], ["N60.21"], ["D24.1-D24.9", "C50.011–C50.929", "0HBT0ZZ"], 2),
        ["medicare-lcd-layout.txt"] = new("medicare-lcd-layout.txt", "L99999", "Example Thermal Procedure", "2025-01-01",
            ["medically-necessary", "not-medically-necessary"], 2,
            ["CPT 0999T", "CPT 64999"], ["G56.01"], ["M79.601 - M79.609"], 2),
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Import_OfAnotherPayersLayout_PlacesItsFrontPageStatementsAndCodes(string file)
    {
        var expected = Expectations[file];
        var (draft, _, _) = Sources.ImportAndRead(Fixture(file), _temp);

        Assert.Equal(expected.Number, draft.Number.Value);
        Assert.Equal(expected.Title, draft.Title?.Value);
        Assert.Equal(expected.Effective, draft.EffectiveDate is { } e ? Yaml.Date(e.Value) : null);
        var statements = draft.Versions.Single(v => v.IsCurrent).Statements;
        Assert.Equal(expected.Determinations, statements.Select(s => s.Determination));
        Assert.Equal(expected.Criteria, statements.Sum(s => s.Criteria.Count));
        Assert.Equal(expected.Codes, draft.Codes.Select(c => $"{c.System} {c.Code}"));
        Assert.Equal(expected.Diagnoses, draft.Indications.SelectMany(i => i.Diagnoses));
        Assert.Equal(expected.NotWritten, draft.CodeListings.Select(l => l.Codes));
        Assert.Equal(expected.Versions, draft.Versions.Count);
        // The fixture's own banner (it says it is synthetic) is not policy text: it is reported, not placed.
        Assert.Contains(draft.Report.Unplaced, u => u.Text.StartsWith("SYNTHETIC TEST FIXTURE", StringComparison.Ordinal));
    }

    /// <summary>Honesty: every criterion, code, range and reference stands on the line the draft names for it.</summary>
    [Theory]
    [MemberData(nameof(Layouts))]
    public void Import_OfAnotherPayersLayout_WritesNothingThatIsNotOnItsSourceLine(string file)
    {
        var draft = PolicyImporter.Import(Fixture(file));
        var lines = File.ReadAllLines(Fixture(file));
        string On(SourceLine line) => Plain(lines[line.Number - 1]);

        foreach (var criterion in draft.Versions.SelectMany(v => v.Statements).SelectMany(s => s.Criteria))
            Assert.Contains(Plain(criterion.Text)[..Math.Min(20, criterion.Text.Length)], On(criterion.Line), StringComparison.Ordinal);
        foreach (var statement in draft.Versions.SelectMany(v => v.Statements))
            Assert.Contains(Plain(statement.Text)[..20], On(statement.Line), StringComparison.Ordinal);
        foreach (var code in draft.Codes)
        {
            Assert.Contains(code.Code, On(code.Line), StringComparison.Ordinal);
            Assert.Contains(Plain(code.Description)[..15], Plain(string.Join(' ', lines.Skip(code.Line.Number - 1).Take(3))), StringComparison.Ordinal);
        }
        foreach (var listing in draft.CodeListings) Assert.Contains(listing.Codes, On(listing.Line), StringComparison.Ordinal);
        foreach (var diagnosis in draft.Indications.SelectMany(i => i.Diagnoses))
            Assert.Contains(lines, l => l.Contains(diagnosis, StringComparison.Ordinal));
        foreach (var reference in draft.References) Assert.StartsWith($"{reference.Number}.", On(reference.Line).TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("January 1, 2025")]
    [InlineData("01/01/2025")]
    [InlineData("1/1/2025")]
    [InlineData("01-01-2025")]
    [InlineData("2025-01-01")]
    [InlineData("Jan. 1, 2025")]
    [InlineData("Jan 1, 2025")]
    [InlineData("1 January 2025")]
    public void Import_AnEffectiveDateInACommonFormat_IsRead(string written)
    {
        var text = File.ReadAllText(Fixture("uhc-layout.txt")).Replace("Effective Date: January 1, 2025", $"Effective Date: {written}", StringComparison.Ordinal);
        var draft = PolicyImporter.Import(_temp.File("dated.txt", Encoding.UTF8.GetBytes(text)));
        Assert.Equal(new DateOnly(2025, 1, 1), draft.EffectiveDate?.Value);
    }

    [Fact]
    public void Import_ACodeRange_IsKeptVerbatimWithANoteAndNotExpanded()
    {
        var draft = PolicyImporter.Import(Fixture("anthem-med-layout.txt"));
        var range = Assert.Single(draft.CodeListings, l => l.Codes == "C50.011–C50.929");
        Assert.Equal(("ICD-10-CM", "range", "Malignant neoplasm of breast"), (range.System, range.Reason, range.Description));
        Assert.Contains(draft.Report.Notes, n => n.Item == "code range C50.011–C50.929" && n.Message.Contains("not expanded", StringComparison.Ordinal));
        // Neither end of the range, nor anything between, is a code or diagnosis of the draft.
        Assert.DoesNotContain(draft.Indications.SelectMany(i => i.Diagnoses), d => d.StartsWith("C50", StringComparison.Ordinal));
        var yaml = DraftWriter.PolicyYaml(draft);
        Assert.Contains("#   ICD-10-CM C50.011–C50.929 \"Malignant neoplasm of breast\"", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("\"C50.011\"", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_CodesUnderALabelWithoutAFinding_AreNotTiedToTheFindingAbove()
    {
        var draft = PolicyImporter.Import(Fixture("aetna-cpb-layout.txt"));
        var covered = draft.Codes.Single(c => c.Code == "58353");
        var related = draft.Codes.Single(c => c.Code == "76830");
        Assert.Equal("medically-necessary", covered.GroupDetermination);
        Assert.Equal("Other CPT codes related to the CPB:", related.Group?.Value);
        Assert.Null(related.GroupDetermination);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ImportPdf_PrintedWithHeadersFootersAndColumns_IsTheDraftOfItsText(string file)
    {
        var text = File.ReadAllText(Fixture(file));
        // Bullets beyond ASCII are drawn as the PDF's font can (see TestPdfs.Ascii): the text compared is what it draws.
        var drawable = text.Replace('\uF0B7', '-').Replace('–', '-').Replace("®", "(R)", StringComparison.Ordinal);
        var pdf = _temp.File(Path.ChangeExtension(file, ".pdf"), TestPdfs.Printed(drawable, $"Synthetic test policy {file} - Confidential", linesPerPage: 18));
        var fromText = PolicyImporter.Import(_temp.File(file, Encoding.UTF8.GetBytes(drawable)));
        var fromPdf = PolicyImporter.Import(pdf);

        Assert.Equal(Summary(fromText), Summary(fromPdf));
        Assert.True(fromPdf.Codes.Max(c => c.Line.Page) > 1, "the codes run past the first page");
        // The running header and the footers are set aside and said so in the report, never placed nor left as text.
        Assert.Contains(fromPdf.Report.Notes, n => n.Item == "page header or footer" && n.Message.StartsWith("\"Page 1 of", StringComparison.Ordinal));
        Assert.Contains(fromPdf.Report.Notes, n => n.Item == "page header or footer" && n.Message.Contains("Confidential", StringComparison.Ordinal));
        Assert.DoesNotContain(fromPdf.Report.Unplaced, u => u.Text.Contains("Page 2 of", StringComparison.Ordinal));
    }

    /// <summary>CRLF line ends, no-break spaces, ligatures, zero-width marks and a soft hyphen: the same draft as plain text.</summary>
    [Theory]
    [MemberData(nameof(Layouts))]
    public void Import_WithCrlfNoBreakSpacesAndLigatures_IsTheDraftOfThePlainText(string file)
    {
        var text = File.ReadAllText(Fixture(file));
        var typeset = text.Replace("\n", "\r\n", StringComparison.Ordinal)
            .Replace("medically necessary", "medically\u00A0necessary", StringComparison.Ordinal)
            .Replace("fi", "\uFB01", StringComparison.Ordinal).Replace("fl", "\uFB02", StringComparison.Ordinal)
            .Replace("Effective Date", "Effective\u00A0Date", StringComparison.Ordinal);
        var plain = PolicyImporter.Import(_temp.File("plain-" + file, Encoding.UTF8.GetBytes(text)));
        var typesetDraft = PolicyImporter.Import(_temp.File("typeset-" + file, Encoding.UTF8.GetBytes("\uFEFF" + typeset)));
        Assert.Equal(Summary(plain), Summary(typesetDraft));
    }

    [Fact]
    public void Import_AWordHyphenatedAtALineBreak_IsReadWhole()
    {
        var text = File.ReadAllText(Fixture("medicare-lcd-layout.txt"))
            .Replace("is considered reasonable and necessary when all", "is considered rea-\nsonable and necessary when all", StringComparison.Ordinal)
            .Replace("Conservative treatment for at least 6 weeks", "Conservative treat\u00AD\nment for at least 6 weeks", StringComparison.Ordinal);
        var draft = PolicyImporter.Import(_temp.File("hyphenated.txt", Encoding.UTF8.GetBytes(text)));
        var statement = draft.Versions.Single(v => v.IsCurrent).Statements[0];
        Assert.Equal("medically-necessary", statement.Determination);
        Assert.Contains("reasonable and necessary when all", statement.Text, StringComparison.Ordinal);
        Assert.Contains(statement.Criteria, c => c.Text.StartsWith("Conservative treatment for at least 6 weeks", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_ACompoundHyphenatedAtALineBreak_KeepsItsHyphenWhenTheDocumentWritesItSo()
    {
        var document = DocumentReader.FromLines("compound.txt",
        [
            new SourceLine(1, "Non-small cell disease is named here."),
            new SourceLine(2, "It is also written non-"),
            new SourceLine(3, "small at a line break, and medi-"),
            new SourceLine(4, "cally at another."),
        ]);
        Assert.StartsWith("non-small at a line break", document.Lines[2].Text, StringComparison.Ordinal);
        Assert.StartsWith("medically at another.", document.Lines[3].Text, StringComparison.Ordinal);
        Assert.Equal("It is also written", document.Lines[1].Text);
    }

    /// <summary>A scan whose only text layer is its stamped footers is refused as a scan, not as "no policy number".</summary>
    [Fact]
    public void ImportPdf_WhoseOnlyTextIsItsFooters_IsRefusedAsAScan()
    {
        var pdf = _temp.File("scan.pdf", TestPdfs.Printed(" \n \n \n \n", "", linesPerPage: 2));
        var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(pdf));
        Assert.Contains("holds no text but its page headers and footers", error.Reason, StringComparison.Ordinal);
    }

    /// <summary>A 200-page policy PDF imports whole: the text layer is read page by page, the codes found on its last pages.</summary>
    [Fact]
    public void ImportPdf_Of200Pages_ReadsToTheLastPage()
    {
        var text = File.ReadAllText(Fixture("aetna-cpb-layout.txt"));
        var background = string.Concat(Enumerable.Range(1, 200 * 40).Select(i =>
            $"Evidence paragraph line {i} reports outcomes of the example therapy in a cohort of members.\n" + (i % 6 == 0 ? "\n" : "")));
        var big = text.Replace("Background\n\n", "Background\n\n" + background, StringComparison.Ordinal);
        var pdf = _temp.File("big.pdf", TestPdfs.Printed(big, "Synthetic test policy - Confidential", linesPerPage: 48));
        var draft = PolicyImporter.Import(pdf);
        Assert.True(draft.Codes.Max(c => c.Line.Page) >= 190, $"the codes are on the last page ({draft.Codes.Max(c => c.Line.Page)})");
        Assert.Equal(4, draft.Codes.Count);
        // Only the running header and the page numbers are furniture: lines of text that differ in a number are text.
        var furniture = draft.Report.Notes.Where(n => n.Item == "page header or footer").Select(n => n.Message).ToList();
        Assert.Equal(2, furniture.Count);
        Assert.Contains(furniture, m => m.StartsWith("\"Page 1 of ", StringComparison.Ordinal));
        Assert.Contains(furniture, m => m.StartsWith("\"Synthetic test policy - Confidential\"", StringComparison.Ordinal));
    }

    /// <summary>Any document in gives a draft or an ImportException naming the file: damaged fixtures, cut and shuffled.</summary>
    [Fact]
    public void Import_OfDamagedDocuments_IsADraftOrARefusalNeverAnotherError()
    {
        var random = new Random(19);
        var all = LayoutFiles.Select(f => File.ReadAllLines(Fixture(f))).ToList();
        for (var round = 0; round < 150; round++)
        {
            var lines = all[round % all.Count].ToList();
            switch (round % 5)
            {
                case 0: lines = [.. lines.OrderBy(_ => random.Next())]; break;
                case 1: lines = [.. lines.Take(random.Next(lines.Count))]; break;
                case 2: lines = [.. lines.Where(_ => random.Next(4) != 0)]; break;
                case 3: lines = [.. lines.Select(l => l.Length > 3 && random.Next(3) == 0 ? l[..random.Next(l.Length)] + "-" : l)]; break;
                default: lines = [.. lines.Select(l => random.Next(5) == 0 ? new string([.. l.Select(c => random.Next(8) == 0 ? (char)random.Next(1, 0x3000) : c)]) : l)]; break;
            }
            var path = _temp.File($"damaged-{round}.txt", Encoding.UTF8.GetBytes(string.Join('\n', lines).Replace("\0", "", StringComparison.Ordinal)));
            try
            {
                var draft = PolicyImporter.Import(path);
                DraftWriter.PolicyYaml(draft);
                ImportReportWriter.Markdown(draft, "0");
            }
            catch (ImportException e)
            {
                Assert.Equal(path, e.File);
            }
        }
        foreach (var bytes in new[] { "%PDF-1.4\n"u8.ToArray(), [.. Enumerable.Range(0, 4096).Select(_ => (byte)random.Next(256))], TestPdfs.Printed("Policy Number: X-1", "h", 5)[..300] })
        {
            var path = _temp.File($"damaged-{bytes.Length}.pdf", bytes);
            var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(path));
            Assert.Equal(path, error.File);
        }
    }

    private static string Summary(DraftPolicy draft) => string.Join("\n",
        [
            draft.Number.Value, draft.Title?.Value ?? "", draft.EffectiveDate?.Value.ToString() ?? "", draft.NextReviewDate?.Value.ToString() ?? "",
            .. draft.Versions.Select(v => $"{v.Effective.Value} {v.ReviewType} {v.Changes}"),
            .. draft.Versions.SelectMany(v => v.Statements).Select(s => $"{s.Determination} {s.Section} | {s.Text} | {string.Join(" / ", s.Criteria.Select(c => c.Text))}"),
            .. draft.Codes.Select(c => $"{c.System} {c.Code} {c.Description} {c.Group?.Value}"),
            .. draft.Indications.Select(i => $"{i.Name} {string.Join(",", i.Diagnoses)}"),
            .. draft.CodeListings.Select(l => $"{l.System} {l.Codes} {l.Description}"),
            .. draft.References.Select(r => $"{r.Number} {r.Citation}"),
        ]);

    private static string Plain(string text) => string.Join(' ', text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Replace("\uF0B7 ", "", StringComparison.Ordinal);
}
