using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Tests;

/// <summary>
/// `policy validate` on the rule model: each test copies the repository's catalogue and the catalogue that
/// extends it with CG-MED-81 and MP-728, breaks one thing and loads it; the error names file, path and reason.
/// </summary>
public sealed class RuleValidationTests : IDisposable
{
    private const string Hifu = "policies/CG-MED-81-ultrasound-ablation-oncologic/policy.yaml";
    private const string Litt = "policies/MP-728-litt-neurological-disorders/policy.yaml";

    private readonly string _base = Path.Combine(Path.GetTempPath(), "coverage-rules-" + Guid.NewGuid().ToString("N"));
    private string Extension => Path.Combine(_base, "catalogues", "with-related-resources");

    public RuleValidationTests()
    {
        TestCatalogue.CopyFolders(_base, "policies", "plans", "catalogues/with-related-resources");
    }

    public void Dispose()
    {
        if (Directory.Exists(_base)) Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public void Load_Extension_HasTheBasePoliciesAndItsOwn()
    {
        var extended = CatalogueLoader.Load(Extension);
        var plain = CatalogueLoader.Load(_base);

        Assert.Equal(["0540", "CG-MED-81", "MP-728"], extended.Policies.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(plain.Plans.Select(p => p.Id), extended.Plans.Select(p => p.Id));
        Assert.NotEqual(plain.Digest, extended.Digest);
        Assert.Equal(TestCatalogue.Catalogue.Digest, plain.Digest);
    }

    [Fact]
    public void Load_TwoPoliciesShareACodeAndAPrecedence_NamesBoth()
    {
        Replace(Litt, "precedence: 20", "precedence: 10");

        AssertError(Litt, "precedence", "policies CG-MED-81 and MP-728 both list 19499");
    }

    [Fact]
    public void Load_StatementWithCriteriaWithoutOtherwise_IsRefused()
    {
        Replace(Litt, "        otherwise:\n          next: true\n", "");

        AssertError(Litt, "versions[1].statements[2].otherwise", "missing");
    }

    [Fact]
    public void Load_StatementNamesUnknownIndication_NamesIt()
    {
        Replace(Hifu, "indications: [bone-metastases]", "indications: [bone-metastasis]");

        AssertError(Hifu, "versions[0].statements[1].indications[0]", "'bone-metastasis' is not an indication");
    }

    [Fact]
    public void Load_CriterionOnUndefinedFact_NamesTheCriterion()
    {
        Replace(Hifu, "fact: painRefractoryToRadiation", "fact: painRefractory");

        AssertError(Hifu, "versions[0].statements[1].criteria.all[4].when.fact", "'painRefractory' is not a clinical fact");
    }

    [Fact]
    public void Load_OtherwiseSameAsDetermination_IsRefused()
    {
        Replace(Hifu, "        otherwise:\n          determination: not-medically-necessary", "        otherwise:\n          determination: medically-necessary");

        AssertError(Hifu, "versions[0].statements[1].otherwise.determination", "could not change the outcome");
    }

    [Fact]
    public void Load_StandInForUnknownResource_NamesIt()
    {
        Replace(Hifu, "resource: \"High Intensity Focused Ultrasound (HIFU)\"", "resource: \"HIFU\"");

        AssertError(Hifu, "standsFor[0].resource", "'HIFU' is not a related resource of policy 0540");
    }

    [Fact]
    public void Load_FactDefinedByTwoFiles_IsRefused()
    {
        Replace("policies/MP-728-litt-neurological-disorders/facts.yaml", "name: disablingSeizures", "name: mirelsScore");

        AssertError("policies/MP-728-litt-neurological-disorders/facts.yaml", "facts[2].name", "defined twice");
    }

    [Fact]
    public void Load_MoreCriteriaThanAStatementHolds_IsRefusedWithTheCount()
    {
        var many = string.Concat(Enumerable.Range(1, 32).Select(n =>
            $"\n            - id: c{n}\n              text: \"Criterion {n}\"\n              when: {{ fact: ageYears, atLeast: {n} }}"));
        Replace(Hifu, "        criteria:\n          all:", "        criteria:\n          all:" + many);

        AssertError(Hifu, "versions[0].statements[1].criteria", "at most 31");
    }

    [Theory]
    [InlineData("    derivedFrom: count\n    of: mirelsScore", "facts[0].of", "'mirelsScore' is a number fact; a count counts the codes of a list fact")]
    [InlineData("    derivedFrom: member-sex", "facts[0].type", "the member's sex is a code")]
    [InlineData("    derivedFrom: place-of-service", "facts[0].type", "a place of service is a code")]
    [InlineData("    derivedFrom: birth-weight", "facts[0].derivedFrom", "not a derivation the engine knows")]
    [InlineData("    counting: [a]", "facts[0].counting", "only a fact derived as count")]
    public void Load_DerivedFactMisdefined_NamesThePath(string lines, string path, string reason)
    {
        Replace(HifuFacts, "    unit: cm\n", "    unit: cm\n" + lines + "\n");

        AssertError(HifuFacts, path, reason);
    }

    [Fact]
    public void Load_PlaceOfServiceValueNotACode_NamesIt()
    {
        Replace(HifuFacts, "facts:\n", "facts:\n  - name: setting\n    type: code\n    derivedFrom: place-of-service\n    values: [\"11\", \"office\"]\n" +
            "    description: \"Setting.\"\n    documentation: \"Setting.\"\n");

        AssertError(HifuFacts, "facts[0].values", "'office' is not a CMS place-of-service code");
    }

    [Fact]
    public void Load_CriterionComparesAListDirectly_IsRefused()
    {
        Replace(HifuFacts, "facts:\n", "facts:\n  - name: drugsTried\n    type: list\n    values: [a, b]\n" +
            "    description: \"Drugs.\"\n    documentation: \"Drugs.\"\n");
        Replace(Hifu, "fact: painRefractoryToRadiation, equals: true", "fact: drugsTried, equals: a");

        AssertError(Hifu, "versions[0].statements[1].criteria.all[4].when", "a list fact; criteria read it through a fact derived as count");
    }

    // ------------------------------------------------------------ fact bindings (facts[].codes)

    private const string HifuFacts = "policies/CG-MED-81-ultrasound-ablation-oncologic/facts.yaml";
    private const string LittFacts = "policies/MP-728-litt-neurological-disorders/facts.yaml";

    [Fact]
    public void Load_FactBinding_FindsTheFactByItsCoding()
    {
        var catalogue = CatalogueLoader.Load(Extension);

        Assert.Equal("tumorSizeCm", catalogue.Facts.FindByCoding("http://loinc.org", "21889-1")?.Name);
        Assert.Null(catalogue.Facts.FindByCoding("http://loinc.org", "21889-2"));
        Assert.Null(catalogue.Facts.FindByCoding(null, "21889-1"));
        Assert.Equal(new FactCoding("http://loinc.org", "21889-1", "Size Tumor"), Assert.Single(catalogue.Facts.Find("tumorSizeCm")!.Codes));
    }

    [Fact]
    public void Load_FactBindingSystemNotAUri_NamesTheSystem()
    {
        Replace(HifuFacts, "  - name: mirelsScore\n", "  - name: mirelsScore\n    codes: [{ system: loinc, code: \"1234-5\" }]\n");

        AssertError(HifuFacts, "facts[1].codes[0].system", "'loinc' is not a code system URI");
    }

    [Fact]
    public void Load_FactBindingWithoutCode_NamesTheCode()
    {
        Replace(HifuFacts, "  - name: mirelsScore\n", "  - name: mirelsScore\n    codes: [{ system: \"http://example.org/scores\" }]\n");

        AssertError(HifuFacts, "facts[1].codes[0].code", "missing");
    }

    [Theory]
    [InlineData(" mirels")]
    [InlineData("mirels\\n")] // a final line break: the rule is anchored at the very end, not before a last newline
    public void Load_FactBindingCodeWithOuterWhitespace_NamesTheCode(string code)
    {
        Replace(HifuFacts, "  - name: mirelsScore\n", $"  - name: mirelsScore\n    codes: [{{ system: \"http://example.org/scores\", code: \"{code}\" }}]\n");

        AssertError(HifuFacts, "facts[1].codes[0].code", "is not a FHIR code");
    }

    [Fact]
    public void Load_OneCodingBoundToTwoFacts_NamesBothPlaces()
    {
        Replace(HifuFacts, "  - name: mirelsScore\n", "  - name: mirelsScore\n    codes: [{ system: \"http://example.org/scores\", code: \"fracture\" }]\n");
        Replace(LittFacts, "  - name: disablingSeizures\n", "  - name: disablingSeizures\n    codes: [{ system: \"http://example.org/scores\", code: \"fracture\" }]\n");

        AssertError(LittFacts, "facts[2].codes[0]", "already bound to fact 'mirelsScore' (policies/CG-MED-81-ultrasound-ablation-oncologic/facts.yaml facts[1].codes[0])");
    }

    [Fact]
    public void Load_DerivedFactWithBinding_IsRefused()
    {
        var facts = Path.Combine(_base, "policies", "clinical-facts.yaml");
        File.WriteAllText(facts, File.ReadAllText(facts).Replace("    derivedFrom: age-on-date-of-service\n",
            "    derivedFrom: age-on-date-of-service\n    codes: [{ system: \"http://loinc.org\", code: \"30525-0\" }]\n", StringComparison.Ordinal));

        AssertError("../../policies/clinical-facts.yaml", "facts[0].codes", "a derived fact is computed by the engine");
    }

    [Fact]
    public void Load_SingleStatementFindingInvestigational_IsRefused()
    {
        var file = Path.Combine(_base, "policies", Directory.GetDirectories(Path.Combine(_base, "policies")).Select(Path.GetFileName).Single(d => d!.StartsWith("0540", StringComparison.Ordinal))!, "policy.yaml");
        var text = File.ReadAllText(file);
        File.WriteAllText(file, text.Replace("      determination: not-medically-necessary\n      text: \"The following ablative treatments for malignant breast tumors are considered not medically necessary: Cryoablation; Microwave ablation; Radiofrequency ablation.\"",
            "      determination: experimental-investigational-unproven\n      text: \"The following ablative treatments for malignant breast tumors are considered not medically necessary: Cryoablation; Microwave ablation; Radiofrequency ablation.\"", StringComparison.Ordinal));

        var (catalogue, errors) = CatalogueLoader.TryLoad(_base);

        Assert.Null(catalogue);
        Assert.Contains(errors, e => e.Path.EndsWith(".coverageStatement.determination", StringComparison.Ordinal)
            && e.Message.Contains("write 'experimental-investigational-unproven' as a statement", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SingleStatementInAPolicyOfIndications_IsRefused()
    {
        var statements = File.ReadAllText(Path.Combine(Extension, Hifu));
        var start = statements.IndexOf("    statements:\n      - id: tulsa-any-indication", StringComparison.Ordinal);
        Assert.True(start > 0);
        Replace(Hifu, statements[start..], "    coverageStatement:\n      section: \"Clinical Indications\"\n      determination: not-medically-necessary\n      text: \"Not medically necessary.\"\n");

        AssertError(Hifu, "versions[0].coverageStatement", "this policy names indications: write the version's statements");
    }

    [Fact]
    public void Load_ServiceKindNotLowerCaseWords_IsRefused()
    {
        Replace(Hifu, "serviceKind: ablation", "serviceKind: \"Ablation!\"");

        AssertError(Hifu, "serviceKind", "must be lower-case words");
    }

    private void Replace(string relativeFile, string oldText, string newText)
    {
        var file = Path.Combine(Extension, relativeFile);
        var text = File.ReadAllText(file);
        var at = text.IndexOf(oldText, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{oldText}' not found in {relativeFile}: the test needs updating with the data");
        File.WriteAllText(file, text[..at] + newText + text[(at + oldText.Length)..]);
    }

    private void AssertError(string file, string path, string reason)
    {
        var (catalogue, errors) = CatalogueLoader.TryLoad(Extension);
        Assert.Null(catalogue);
        Assert.True(errors.Any(e => e.File == file && e.Path == path && e.Message.Contains(reason, StringComparison.Ordinal)),
            $"expected an error in {file} at {path} mentioning {reason}; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }
}
