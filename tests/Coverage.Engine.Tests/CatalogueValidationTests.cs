using System.Text.RegularExpressions;
using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Tests;

/// <summary>
/// architecture.md: an invalid catalogue file stops the program with file, path and reason. Each test copies
/// the repository's catalogue to its own temporary folder, breaks one thing and loads it.
/// </summary>
public sealed partial class CatalogueValidationTests : IDisposable
{
    private const string PolicyFile = "policies/0540-ablative-breast/policy.yaml";
    private const string EvidenceFile = "policies/0540-ablative-breast/evidence.yaml";
    private const string FactsFile = "policies/clinical-facts.yaml";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "coverage-catalogue-" + Guid.NewGuid().ToString("N"));

    public CatalogueValidationTests()
    {
        TestCatalogue.CopyFolders(_root, "policies", "plans");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Load_ShippedCatalogue_HasNoError()
    {
        var (catalogue, errors) = CatalogueLoader.TryLoad(TestCatalogue.RepositoryRoot);

        Assert.Empty(errors);
        Assert.NotNull(catalogue);
        Assert.Equal("0540", Assert.Single(catalogue.Policies).Id);
        Assert.Equal(4, catalogue.Plans.Count);
    }

    [Fact]
    public void Load_ShippedCatalogueTwice_SameDigest()
    {
        var first = CatalogueLoader.Load(TestCatalogue.RepositoryRoot);
        var second = CatalogueLoader.Load(TestCatalogue.RepositoryRoot);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", first.Digest);
    }

    [Fact]
    public void Load_UnchangedCopy_LoadsWithSameDigest()
    {
        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Empty(errors);
        Assert.Equal(TestCatalogue.Catalogue.Digest, catalogue!.Digest);
    }

    [Fact]
    public void Load_ChangedFile_ChangesDigest()
    {
        Replace(PolicyFile, "# Verbatim passages that determinations cite.", "# Verbatim passages that determinations cite (edited).");

        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Empty(errors);
        Assert.NotEqual(TestCatalogue.Catalogue.Digest, catalogue!.Digest);
    }

    [Fact]
    public void Load_VersionListsUndefinedModality_NamesVersionModality()
    {
        Replace(PolicyFile,
            "modalities: [cryoablation, microwave-ablation, radiofrequency-ablation]",
            "modalities: [cryoablation, microwave-ablation, radiofrequency-ablation, hifu-ablation]");

        AssertError(PolicyFile, "versions[0].modalities[3]", "'hifu-ablation'");
    }

    [Fact]
    public void Load_MoreDescriptionTermsThanTheEngineHolds_IsRefusedWithTheCount()
    {
        var extra = string.Join(", ", Enumerable.Range(1, 60).Select(n => $"cryo variant {n}"));
        Replace(PolicyFile, "synonyms: [cryoablation, cryo ablation,", $"synonyms: [{extra}, cryoablation, cryo ablation,");

        AssertError(PolicyFile, "modalities", "at most 64");
    }

    [Fact]
    public void Load_VersionListsUndefinedCode_NamesVersionCode()
    {
        Replace(PolicyFile, "codes: [\"19499\", \"0581T\"]", "codes: [\"19499\", \"0581T\", \"0582T\"]");

        AssertError(PolicyFile, "versions[0].codes[2]", "'0582T'");
    }

    [Fact]
    public void Load_VersionListsCodeOfModalityOutOfScope_NamesVersionCode()
    {
        Replace(PolicyFile, "codes: [\"19499\", \"0581T\"]", "codes: [\"19499\", \"0581T\", \"0971T\"]");

        AssertError(PolicyFile, "versions[0].codes[2]", "percutaneous-laser-ablation");
    }

    [Fact]
    public void Load_VersionsOutOfOrder_NamesVersionEffective()
    {
        Replace(PolicyFile, "- effective: 2025-04-15", "- effective: 2024-03-01");

        AssertError(PolicyFile, "versions[1].effective", "oldest first");
    }

    [Fact]
    public void Load_CodeWithUndefinedModality_NamesCodeModality()
    {
        Replace(PolicyFile, "    modality: cryoablation\n", "    modality: cryo\n");

        AssertError(PolicyFile, "codes[1].modality", "'cryo'");
    }

    [Fact]
    public void Load_InvalidDate_NamesDateField()
    {
        Replace(PolicyFile, "effectiveDate: 2026-03-15", "effectiveDate: 2026-02-30");

        AssertError(PolicyFile, "effectiveDate", "'2026-02-30'");
    }

    [Fact]
    public void Load_InvalidCodeValidityDate_NamesValidityField()
    {
        Replace(PolicyFile, "from: 2026-01-01", "from: 2026-1-1");

        AssertError(PolicyFile, "codes[2].validity.from", "'2026-1-1'");
    }

    [Fact]
    public void Load_UnknownYamlKey_NamesLineAndColumn()
    {
        Replace(PolicyFile, "publisher: \"Cigna Companies\"\n", "publisher: \"Cigna Companies\"\ncolour: blue\n");

        var error = AssertError(PolicyFile, null, "'colour'");
        Assert.Matches(LineAndColumn(), error.Path);
        var line = File.ReadAllLines(Path.Combine(_root, PolicyFile)).ToList().IndexOf("colour: blue") + 1;
        Assert.Equal($"line {line}, column 1", error.Path);
    }

    [Fact]
    public void Load_MalformedYaml_NamesLineAndColumn()
    {
        Replace(PolicyFile, "title: \"Ablative Treatments for Malignant Breast Tumors\"", "title: \"Ablative Treatments for Malignant Breast Tumors");

        var error = Assert.Single(Errors(), e => e.File == PolicyFile);
        Assert.Matches(LineAndColumn(), error.Path);
    }

    [Fact]
    public void Load_CriterionOnUnknownFact_NamesCriterionFact()
    {
        Replace(PolicyFile, "{ fact: tumorSizeCm, atMost: 1.5 }", "{ fact: tumourSizeCm, atMost: 1.5 }");

        AssertError(PolicyFile, "fdaDevices[0].criteria[1].when.fact", "'tumourSizeCm'");
    }

    [Fact]
    public void Load_CriterionEqualsValueNotAmongCodeFactValues_NamesEquals()
    {
        Replace(PolicyFile, "{ fact: focality, equals: unifocal }", "{ fact: focality, equals: single }");

        AssertError(PolicyFile, "fdaDevices[0].criteria[2].when.equals", "'single'");
    }

    [Fact]
    public void Load_CriterionComparesCodeFactBySize_NamesCriterion()
    {
        Replace(PolicyFile, "{ fact: focality, equals: unifocal }", "{ fact: focality, atMost: 1 }");

        AssertError(PolicyFile, "fdaDevices[0].criteria[2].when", "focality");
    }

    [Fact]
    public void Load_StudyCitingMissingReference_NamesStudyReference()
    {
        Replace(EvidenceFile, "        references: [7]\n", "        references: [99]\n");

        AssertError(EvidenceFile, "modalities[0].studies[1].references[0]", "reference 99");
    }

    [Fact]
    public void Load_MissingEvidenceSummaryForModality_NamesModality()
    {
        var file = Path.Combine(_root, EvidenceFile);
        var text = File.ReadAllText(file);
        var start = text.IndexOf("  - modality: microwave-ablation", StringComparison.Ordinal);
        var end = text.IndexOf("  - modality: radiofrequency-ablation", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "evidence.yaml layout changed");
        File.WriteAllText(file, text[..start] + text[end..]);

        AssertError(EvidenceFile, "modalities", "'microwave-ablation'");
    }

    [Fact]
    public void Load_SynonymClaimedByTwoModalities_NamesSecondClaim()
    {
        Replace(PolicyFile, "microwave thermal ablation, mwa]", "microwave thermal ablation, mwa, rfa]");

        var error = AssertError(PolicyFile, null, "'rfa'");
        Assert.StartsWith("modalities[", error.Path, StringComparison.Ordinal);
        Assert.Contains(".synonyms[", error.Path, StringComparison.Ordinal);
        Assert.Contains("microwave-ablation", error.Message, StringComparison.Ordinal);
        Assert.Contains("radiofrequency-ablation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SynonymAlsoRelatedResourceTerm_NamesTerm()
    {
        Replace(PolicyFile, "microwave thermal ablation, mwa]", "microwave thermal ablation, mwa, hifu]");

        AssertError(PolicyFile, "relatedResources[0].matchTerms[0]", "'hifu'");
    }

    [Fact]
    public void Load_SynonymNotPlainText_NamesTerm()
    {
        Replace(PolicyFile, "microwave thermal ablation, mwa]", "microwave thermal ablation, mwa, \"\u043C\u0432\u0430\"]");

        AssertError(PolicyFile, "modalities[2].synonyms[5]", "is not plain text: it is written in the Cyrillic script");
    }

    [Fact]
    public void Load_SynonymWithLookalikeLetter_MatchesThePlainWord()
    {
        // Terms are read as descriptions are (CatalogueLoader.TermText), so both sides agree.
        Replace(PolicyFile, "cryosurgical, cryosurgery]", "cryosurgical, cryosurgery, \"\u0441ryospr\u0430y\"]");
        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);
        Assert.Empty(errors);

        var request = TestCatalogue.Request(new RequestBuilder().Line("19499", "Cryospray, left breast").Json());
        var line = Assert.Single(new Evaluation.Evaluator(catalogue!, TimeProvider.System).Evaluate(request).Lines);

        Assert.Equal("cryoablation", line.Modality);
    }

    [Fact]
    public void Load_PlanNamingUnknownPolicy_NamesProvisionPolicy()
    {
        Replace("plans/example-ablation-exclusion.yaml", "policy: \"0540\"", "policy: \"0999\"");

        AssertError("plans/example-ablation-exclusion.yaml", "provisions[0].policy", "'0999'");
    }

    [Fact]
    public void Load_PlanWithUnknownModality_NamesProvisionModality()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "modalities: [cryoablation]", "modalities: [cryotherapy]");

        AssertError("plans/example-fda-cryo-rider.yaml", "provisions[0].modalities[0]", "'cryotherapy'");
    }

    [Fact]
    public void Load_PlanWithUnsupportedLabelRequirement_NamesField()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "requiresFdaLabel: on-label", "requiresFdaLabel: off-label");

        AssertError("plans/example-fda-cryo-rider.yaml", "provisions[0].requiresFdaLabel", "'off-label'");
    }

    [Fact]
    public void Load_TwoDefaultPlans_NamesPlansFolder()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "default: false", "default: true");

        var error = AssertError("plans", "", "example-fda-cryo-rider");
        Assert.Contains("standard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoDefaultPlan_NamesPlansFolder()
    {
        Replace("plans/standard.yaml", "default: true", "default: false");

        AssertError("plans", "", "default: true");
    }

    [Fact]
    public void Load_PlanIdDiffersFromFileName_NamesId()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "id: example-fda-cryo-rider", "id: example-cryo-rider");

        AssertError("plans/example-fda-cryo-rider.yaml", "id", "'example-cryo-rider'");
    }

    [Fact]
    public void Load_PlanWithUnknownLineOfBusiness_NamesLineOfBusiness()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "default: false", "default: false\nlineOfBusiness: commercial-gold");

        AssertError("plans/example-fda-cryo-rider.yaml", "lineOfBusiness", "'commercial-gold' is not a line of business");
    }

    [Fact]
    public void Load_PlanWithAppealWindowOfNoDays_NamesAppealWindowDays()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "default: false", "default: false\nappealWindowDays: 0");

        AssertError("plans/example-fda-cryo-rider.yaml", "appealWindowDays", "from 1 to 3650");
    }

    [Fact]
    public void Load_PlanNamingItsLineOfBusiness_KeepsItAndItsWindow_OthersHaveNone()
    {
        Replace("plans/example-fda-cryo-rider.yaml", "default: false", "default: false\nlineOfBusiness: erisa\nappealWindowDays: 200");

        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Empty(errors);
        var plan = catalogue!.FindPlan("example-fda-cryo-rider")!;
        Assert.Equal(LinesOfBusiness.Erisa, plan.LineOfBusiness);
        Assert.Equal(200, plan.AppealWindowDays);
        Assert.Null(catalogue.DefaultPlan.LineOfBusiness);
        Assert.Equal(BenefitPlan.DefaultAppealWindowDays, catalogue.DefaultPlan.AppealWindowDays);
    }

    [Fact]
    public void Load_LinesOfBusinessCatalogue_ExtendsTheRepository_WithItsPlans()
    {
        var catalogue = CatalogueLoader.Load(Path.Combine(TestCatalogue.RepositoryRoot, "catalogues", "lines-of-business"));

        Assert.Equal(LinesOfBusiness.MedicareAdvantage, catalogue.FindPlan("example-medicare-advantage")!.LineOfBusiness);
        Assert.Equal(65, catalogue.FindPlan("example-medicare-advantage")!.AppealWindowDays);
        Assert.Equal(LinesOfBusiness.Erisa, catalogue.FindPlan("example-erisa-group")!.LineOfBusiness);
        Assert.Equal("standard", catalogue.DefaultPlan.Id);
    }

    [Fact]
    public void Load_FactWithUnknownType_NamesFactType()
    {
        Replace(FactsFile, "  - name: focality\n    type: code", "  - name: focality\n    type: enum");

        AssertError(FactsFile, "facts[2].type", "'enum'");
    }

    [Fact]
    public void Load_BrokenCatalogue_ThrowsWithEveryError()
    {
        Replace("plans/standard.yaml", "default: true", "default: false");

        var exception = Assert.Throws<CatalogueException>(() => CatalogueLoader.Load(_root));
        Assert.NotEmpty(exception.Errors);
        Assert.Contains("plans", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoPlansFolder_NamesIt()
    {
        Directory.Delete(Path.Combine(_root, "plans"), recursive: true);

        AssertError("plans", "", "no plans folder");
    }

    // ------------------------------------------------------------ helpers

    /// <summary>
    /// A stray byte in a policy file (here in a synonym the description reader matches) was read as U+FFFD and the
    /// policy loaded saying something other than its file; the file is now refused, saying where the byte is.
    /// </summary>
    [Fact]
    public void Load_AFileThatIsNotUtf8_IsRefusedSayingWhereTheByteIs()
    {
        var file = Path.Combine(_root, PolicyFile);
        var bytes = File.ReadAllBytes(file);
        var at = bytes.AsSpan().IndexOf("cryotherapy"u8) + 3;
        bytes[at] = 0xE9; // "cryothérapy" in Latin-1: not UTF-8

        File.WriteAllBytes(file, bytes);

        var error = AssertError(PolicyFile, "", $"the file is not UTF-8 text (byte {at + 1:N0} is not part of a UTF-8 character)");
        Assert.DoesNotContain('\uFFFD', error.Message);
    }

    [Fact]
    public void Load_AFileInUtf16_IsRefusedNamingTheEncoding()
    {
        var file = Path.Combine(_root, PolicyFile);
        File.WriteAllText(file, File.ReadAllText(file), System.Text.Encoding.Unicode);

        AssertError(PolicyFile, "", "the file is UTF-16 (little-endian) text; save it as UTF-8");
    }

    [Fact]
    public void Load_AFileWithAUtf8ByteOrderMark_LoadsAsWithout()
    {
        var file = Path.Combine(_root, PolicyFile);
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(file)]);

        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);

        Assert.Empty(errors);
        Assert.Equal("0540", Assert.Single(catalogue!.Policies).Id);
    }

    private void Replace(string relativeFile, string oldText, string newText)
    {
        var file = Path.Combine(_root, relativeFile);
        var text = File.ReadAllText(file);
        var at = text.IndexOf(oldText, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{oldText}' not found in {relativeFile}: the test needs updating with the data");
        File.WriteAllText(file, text[..at] + newText + text[(at + oldText.Length)..]);
    }

    private IReadOnlyList<CatalogueError> Errors()
    {
        var (catalogue, errors) = CatalogueLoader.TryLoad(_root);
        Assert.Null(catalogue);
        Assert.NotEmpty(errors);
        return errors;
    }

    /// <summary>Asserts an error names the file, the path (null: any) and a reason containing the text.</summary>
    private CatalogueError AssertError(string file, string? path, string reason)
    {
        var errors = Errors();
        var match = errors.FirstOrDefault(e => e.File == file && (path is null || e.Path == path) && e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.True(match is not null,
            $"expected an error in {file} at {path ?? "(any path)"} mentioning {reason}; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        return match;
    }

    [GeneratedRegex(@"^line \d+, column \d+$")]
    private static partial Regex LineAndColumn();
}
