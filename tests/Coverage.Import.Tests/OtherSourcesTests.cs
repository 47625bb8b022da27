using Coverage.Engine.Catalogue;

namespace Coverage.Import.Tests;

/// <summary>
/// The two criteria-based sources, from two other payers with other layouts, import with their statements, criteria
/// and codes placed; where they correspond, the draft's texts are those of the hand-written policies in
/// catalogues/with-related-resources. What the hand-written policies took from outside the document (19499 and 64999
/// from prose that only mentions them, the pre-2022 version's start) is in the report instead.
/// </summary>
public sealed class OtherSourcesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly PolicyCatalogue HandWritten = CatalogueLoader.Load(Sources.WithRelatedResources);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ImportAnthemHifu_StatementsAndCriteria_AreTheHandWrittenTexts()
    {
        var (_, read, _) = Sources.ImportAndRead(Sources.Path(Sources.AnthemHifu), _temp);
        var draft = read.Policy!;
        var written = HandWritten.FindPolicy("CG-MED-81")!;
        Assert.Equal(written.Title, draft.Title);
        Assert.Equal(written.Publisher, draft.Publisher);
        Assert.Equal(written.EffectiveDate, draft.EffectiveDate);

        var writtenRules = written.CurrentVersion.Rules;
        var imported = draft.CurrentVersion.Rules;
        Assert.Equal(writtenRules.Select(r => r.Text).Order(), imported.Select(r => r.Text).Order());
        foreach (var rule in writtenRules)
        {
            var match = imported.Single(r => r.Text == rule.Text);
            Assert.Equal(rule.Determination, match.Determination);
            Assert.Equal(rule.Section, match.Section);
            Assert.Equal(rule.Criteria?.Criteria.Select(c => c.Text), match.Criteria?.Criteria.Select(c => c.Text));
            Assert.Equal(rule.Criteria?.Criteria.Select(c => c.Section), match.Criteria?.Criteria.Select(c => c.Section));
        }
        // Every imported criterion is unmapped: none can be met, so the statement cannot find a line medically necessary.
        Assert.All(imported.Where(r => r.Criteria is not null).SelectMany(r => r.Criteria!.Criteria), c => Assert.IsType<UnmappedCondition>(c.Condition));
        Assert.Equal(5, read.UnmappedCriteria.Count);
    }

    [Fact]
    public void ImportAnthemHifu_Codes_ArePlacedWithTheirSystemsDescriptionsAndDates()
    {
        var (imported, read, _) = Sources.ImportAndRead(Sources.Path(Sources.AnthemHifu), _temp);
        var written = HandWritten.FindPolicy("CG-MED-81")!;
        var draft = read.Policy!;
        Assert.Equal(["20999", "C9734", "55880", "55881", "55882"], draft.Codes.Keys);
        Assert.Equal("HCPCS", draft.Codes["C9734"].System);
        foreach (var code in new[] { "20999", "C9734", "55880", "55881" })
        {
            Assert.Equal(written.Codes[code].Description, draft.Codes[code].Description);
            Assert.Equal(written.Codes[code].System, draft.Codes[code].System);
            Assert.Equal(written.Codes[code].Validity.From, draft.Codes[code].Validity.From);
        }
        Assert.True(draft.Codes["20999"].Unlisted);
        // The diagnoses, grouped under the table's headings, are the hand-written indications' diagnoses.
        Assert.Equal(written.Indications.Select(i => i.Diagnoses.Display), draft.Indications.Select(i => i.Diagnoses.Display));
        // The coding table ties each code to the statements of its group's finding.
        var c9734 = imported.Codes.Single(c => c.Code == "C9734");
        Assert.Equal("Bone metastases", c9734.Heading!.Value);
        Assert.Equal(["the-use-of-high-intensity-focused"], DraftWriter.StatementsOf(c9734, imported));
        Assert.Equal("code set", c9734.Annotation);
        // 19499 is only mentioned in prose ("for example 19499, 20999"): reported with its line, not invented as a row.
        Assert.DoesNotContain("19499", draft.Codes.Keys);
        Assert.Contains(imported.Report.Unplaced, u => u.Line.Number == 93 && u.Text.Contains("19499", StringComparison.Ordinal));
        // 55882's descriptor is abbreviated in the document: kept as written, flagged for the analyst.
        Assert.StartsWith("As 55881", draft.Codes["55882"].Description, StringComparison.Ordinal);
        Assert.Contains(imported.Report.Notes, n => n.Item == "code 55882" && n.Line!.Number == 90);
    }

    [Fact]
    public void ImportBcbsLitt_StatementsCriteriaAndCodes_ArePlaced()
    {
        var (imported, read, _) = Sources.ImportAndRead(Sources.Path(Sources.BcbsLitt), _temp);
        var draft = read.Policy!;
        var written = HandWritten.FindPolicy("MP-728")!;
        Assert.Equal(written.Title, draft.Title);
        Assert.Equal(written.Publisher, draft.Publisher);
        // "For dates of service on or after January 1, 2022" starts the version, and the policy's effective date.
        var version = Assert.Single(draft.Versions);
        Assert.Equal(new DateOnly(2022, 1, 1), version.Effective);
        Assert.Equal(written.EffectiveDate, draft.EffectiveDate);

        var writtenTexts = written.CurrentVersion.Rules.Select(r => r.Text).ToHashSet();
        var importedRules = version.Rules;
        Assert.Equal(3, importedRules.Count);
        Assert.All(importedRules, r => Assert.Contains(r.Text, writtenTexts));
        var epilepsy = importedRules.Single(r => r.Section == "POLICY: Epilepsy");
        Assert.Equal(StatementDetermination.MedicallyNecessary, epilepsy.Determination);
        Assert.Equal(
            written.CurrentVersion.Rules.Single(r => r.Id == "refractory-epilepsy").Criteria!.Criteria.Select(c => c.Text),
            epilepsy.Criteria!.Criteria.Select(c => c.Text));
        // A medically necessary statement whose conditions are prose: one unmapped criterion, its own words.
        var necrosis = importedRules.Single(r => r.Section == "POLICY: Radiation Necrosis" && r.Determination == StatementDetermination.MedicallyNecessary);
        Assert.Equal(necrosis.Text, Assert.Single(necrosis.Criteria!.Criteria).Text);
        Assert.Contains(importedRules, r => r.Determination == StatementDetermination.ExperimentalInvestigationalUnproven);

        Assert.Equal(["61736", "61737"], draft.Codes.Keys);
        Assert.Equal(written.Codes["61736"].Description, draft.Codes["61736"].Description);
        Assert.Equal(new DateOnly(2018, 1, 1), draft.Codes["61736"].Validity.From);
        Assert.Equal(["G40.*", "C71.*, C79.31"], draft.Indications.Select(i => i.Diagnoses.Display));

        // The pre-2022 statement has an end but no start: reported with its lines, not made a version.
        Assert.Contains(imported.Report.Unplaced, u => u.Line.Number == 50 && u.Text.Contains("investigational for all indications", StringComparison.Ordinal));
        Assert.Contains(imported.Report.Notes, n => n.Item == "versions" && n.Line!.Number == 48);
        Assert.Contains(imported.Report.Unplaced, u => u.Line.Number == 57 && u.Text.Contains("64999", StringComparison.Ordinal));
    }

    [Fact]
    public void ImportReportJson_GivesEachItemItsLineAndEveryUnplacedPassage()
    {
        var (_, _, folder) = Sources.ImportAndRead(Sources.Path(Sources.BcbsLitt), _temp);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ImportReportWriter.JsonFile)));
        var root = report.RootElement;
        Assert.Equal(15, root.GetProperty("front").GetProperty("number").GetProperty("line").GetInt32());
        Assert.Equal(21, root.GetProperty("versions")[0].GetProperty("line").GetInt32());
        var epilepsy = root.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("section").GetString() == "POLICY: Epilepsy");
        Assert.Equal([29, 31, 33, 35], epilepsy.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("line").GetInt32()));
        Assert.All(epilepsy.GetProperty("criteria").EnumerateArray(), c => Assert.False(c.GetProperty("mapped").GetBoolean()));
        Assert.Equal([53, 56], root.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("line").GetInt32()));
        Assert.Contains(root.GetProperty("unplaced").EnumerateArray(), u => u.GetProperty("line").GetInt32() == 50);
    }

    [Fact]
    public void Import_EveryWrittenItem_NamesALineWhoseTextHoldsIt()
    {
        foreach (var source in new[] { Sources.Cigna0540, Sources.AnthemHifu, Sources.BcbsLitt })
        {
            var draft = PolicyImporter.Import(Sources.Path(source));
            var lines = File.ReadAllLines(Sources.Path(source));
            string At(SourceLine line) => lines[line.Number - 1];
            Assert.Contains(draft.Number.Value, At(draft.Number.Line), StringComparison.Ordinal);
            foreach (var code in draft.Codes) Assert.Contains(code.Code, At(code.Line), StringComparison.Ordinal);
            foreach (var version in draft.Versions)
            {
                foreach (var statement in version.Statements)
                {
                    Assert.StartsWith(At(statement.Line).Trim()[..20], statement.Text, StringComparison.Ordinal);
                    foreach (var criterion in statement.Criteria)
                        Assert.Contains(criterion.Text.Split(' ')[0], At(criterion.Line), StringComparison.Ordinal);
                }
            }
            foreach (var reference in draft.References)
                Assert.StartsWith($"{reference.Number}. ", At(reference.Line).TrimStart(), StringComparison.Ordinal);
        }
    }
}
