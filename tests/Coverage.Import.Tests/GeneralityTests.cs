using Coverage.Engine.Catalogue;
using Coverage.Testing;

namespace Coverage.Import.Tests;

/// <summary>
/// Policies are data: the importer holds no wording of the three sources (their numbers, services, conditions,
/// codes, payers), and a document of another payer's shape — other labels, "any of" criteria with lettered items,
/// HCPCS and ICD-10-CM tables under a table header, a date-first history — imports with everything placed.
/// </summary>
public sealed class GeneralityTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] SourceWording =
    [
        "0540", "CG-MED", "MP-728", "cigna", "anthem", "blue cross", "bcbs", "ablat", "breast", "cryo", "hifu", "ultrasound", "litt", "laser",
        "epilep", "prostate", "tulsa", "necrosis", "metasta", "prosense", "19499", "0581T", "0971T", "20999", "C9734", "5588", "6173", "64999",
        "C79.", "C61", "G40", "C71",
    ];

    [Fact]
    public void Importer_HoldsNoWordingOfTheSources()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "Coverage.Import");
        var found = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => SourceWording
                .Where(w => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), $@"(?<![A-Za-z0-9]){System.Text.RegularExpressions.Regex.Escape(w)}", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
                .Select(w => $"{Path.GetFileName(f)}: {w}"))
            .ToList();
        Assert.True(found.Count == 0, "policy wording in the importer: " + string.Join(", ", found));
    }

    [Theory]
    [InlineData("Meeting notes\n\nWe discussed the budget.\n", "no policy number found")]
    [InlineData("Policy Number: XY-1\nA Title\n\nBackground\n\nSome prose.\n", "no coverage statements found")]
    public void Import_ADocumentThatIsNotAPolicy_IsRefusedSayingWhatIsMissing(string text, string reason)
    {
        var path = _temp.File("notes.txt", System.Text.Encoding.UTF8.GetBytes(text));
        var error = Assert.Throws<ImportException>(() => PolicyImporter.Import(path));
        Assert.Equal(path, error.File);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    private const string OtherShape = """
        Example Health Plan
        Medical Policy

        Policy Title: Viscosupplementation of the Knee
        Document Number: EHP-2031
        Original Effective Date: 01/01/2019
        Effective Date: 07/01/2025
        Next Review Date: 07/01/2026

        Summary

        This policy addresses intra-articular hyaluronan injections for osteoarthritis of the knee.

        Coverage Criteria

        Hyaluronan injections are considered medically necessary for osteoarthritis of the knee when any of the following criteria are met:

        a) Failure of at least 3 months of conservative therapy; or
        b) Intolerance of analgesics

        Hyaluronan injections are considered experimental, investigational or unproven for all other joints.

        Billing and Coding

        HCPCS Codes	Description
        J7321	Hyaluronan or derivative, for intra-articular injection, per dose
        J7323	Hyaluronan or derivative, another brand, for intra-articular injection, per dose

        ICD-10-CM Codes	Description
        M17.11	Unilateral primary osteoarthritis, right knee

        Policy History

        Date	Action
        07/01/2025	Annual review; criteria unchanged
        01/01/2019	New policy

        References

        1. Example A, Example B. Hyaluronan for knee osteoarthritis. J Example. 2020;1:1-10.
        2. Example C. Another citation. Available at https://example.org/c
        """;

    [Fact]
    public void Import_ADocumentOfAnotherShape_PlacesItsStatementsCodesAndHistory()
    {
        var path = _temp.File("ehp-2031.txt", System.Text.Encoding.UTF8.GetBytes(OtherShape));
        var draft = PolicyImporter.Import(path);
        Assert.Equal("EHP-2031", draft.Number.Value);
        Assert.Equal("Viscosupplementation of the Knee", draft.Title!.Value);
        Assert.Equal(new DateOnly(2025, 7, 1), draft.EffectiveDate!.Value);
        Assert.Equal(new DateOnly(2026, 7, 1), draft.NextReviewDate!.Value);
        // No publisher in a form the importer reads: left out and said, not guessed from the first line.
        Assert.Null(draft.Publisher);
        Assert.Contains(draft.Report.Notes, n => n.Item == "publisher");

        Assert.Equal([("J7321", "HCPCS"), ("J7323", "HCPCS")], draft.Codes.Select(c => (c.Code, c.System)));
        Assert.Equal(["M17.11"], Assert.Single(draft.Indications).Diagnoses);
        Assert.Equal([new DateOnly(2019, 1, 1), new DateOnly(2025, 7, 1)], draft.Versions.Select(v => v.Effective.Value));
        Assert.Equal("Annual review; criteria unchanged", draft.Versions[^1].Changes);

        var statements = draft.Versions[^1].Statements;
        Assert.Equal(2, statements.Count);
        Assert.Equal("medically-necessary", statements[0].Determination);
        Assert.Equal("any", statements[0].Combination);
        Assert.Equal(["Failure of at least 3 months of conservative therapy", "Intolerance of analgesics"], statements[0].Criteria.Select(c => c.Text));
        Assert.EndsWith("criteria are met: a) Failure of at least 3 months of conservative therapy; or b) Intolerance of analgesics", statements[0].Text, StringComparison.Ordinal);
        Assert.Equal("experimental-investigational-unproven", statements[1].Determination);
        Assert.Equal(2, draft.References.Count);
        Assert.Equal("https://example.org/c", draft.References[1].Url);

        // Written and read back with the catalogue loader: a draft whose criteria are unmapped and whose gaps are listed.
        var folder = Path.Combine(_temp.Path, "EHP-2031-draft");
        DraftFolder.Write(folder, draft, File.ReadAllBytes(path), force: false);
        var read = CatalogueLoader.LoadDraft(folder, Sources.Catalogue);
        Assert.Empty(read.Errors);
        var rule = read.Policy!.CurrentVersion.Rules[0];
        Assert.Equal(CriteriaCombination.Any, Assert.IsType<CriteriaGroup>(rule.Criteria).Combination);
        Assert.Equal(2, read.UnmappedCriteria.Count);
    }
}
