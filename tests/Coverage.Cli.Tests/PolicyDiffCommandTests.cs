using System.Text.Json;

namespace Coverage.Cli.Tests;

/// <summary>`coverage policy diff`: two versions of 0540, two catalogues, JSON, and bad input.</summary>
public sealed class PolicyDiffCommandTests
{
    [Fact]
    public void TwoVersionsOfAPolicy_SayWhatTheFocusedReviewChanged()
    {
        var result = CliRunner.Run("policy", "diff", "--policy", "0540", "--from", "2025-04-15", "--to", "2025-10-15");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Percutaneous laser ablation (percutaneous-laser-ablation) added to the scope of version 2025-10-15.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Code 0971T added to version 2025-10-15 (\"Ablation, malignant breast tumor(s), percutaneous, laser, including imaging guidance when performed, unilateral\"), valid from 2026-01-01.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("The coverage statement of version 2025-10-15 changed from", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Code 0581T", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnnualReviewWithoutChanges_SaysOnlyWhatItIs()
    {
        var result = CliRunner.Run("policy", "diff", "--policy", "0540", "--from", "2025-10-15");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("version 2025-10-15 → 2026-03-15: 1 change", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoCatalogues_NameThePlanProvisionAdded_AsJson()
    {
        var result = CliRunner.Run("policy", "diff", CliRunner.RepositoryRoot, ImpactFixtures.CoversOnLabelCryoablation, "--format", "json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var change = Assert.Single(json.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal("plan standard", change.GetProperty("subject").GetString());
        Assert.Equal("added", change.GetProperty("kind").GetString());
        Assert.StartsWith("Plan standard: rider 'fda-labelled-cryoablation-rider' (plan) that covers \"cryoablation\" of policy 0540 when the FDA label assessment is on-label",
            change.GetProperty("sentence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoCatalogues_OfThe0540History_NameTheVersionsAndDatesAdded()
    {
        var result = CliRunner.Run("policy", "diff", ImpactFixtures.AsOf20250415, CliRunner.RepositoryRoot);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Effective date changed from \"2025-04-15\" to \"2026-03-15\".", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Version 2025-10-15 (Focused Review) added: \"Added percutaneous ablation to policy and added new code: 0971T\".", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Version 2026-03-15 (Annual Review) added", result.Stdout, StringComparison.Ordinal);
        // The device's criteria are the same data in both: nothing is reported for them.
        Assert.DoesNotContain("Label criterion", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SameCatalogue_HasNoChange()
    {
        var result = CliRunner.Run("policy", "diff", CliRunner.RepositoryRoot, CliRunner.RepositoryRoot);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains(": no change", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Another shape of policy: ordered statements with criteria (MP-728 of catalogues/with-related-resources), changed in a copy.</summary>
    [Fact]
    public void CriteriaBasedPolicy_SaysWhichStatementAndCriterionChanged()
    {
        var root = Directory.CreateTempSubdirectory("coverage-diff-rules-");
        try
        {
            // The catalogue extends ../.. : copy the repository's catalogue with it, in the same places.
            foreach (var folder in CopiedFolders)
                ImpactCommandTests.CopyFolder(Path.Combine(CliRunner.RepositoryRoot, folder), Path.Combine(root.FullName, folder));
            var candidate = Path.Combine(root.FullName, "catalogues", "with-related-resources");
            var policy = Path.Combine(candidate, "policies", "MP-728-litt-neurological-disorders", "policy.yaml");
            var yaml = File.ReadAllText(policy)
                .Replace("{ fact: antiepilepticDrugRegimensTried, atLeast: 2 }", "{ fact: antiepilepticDrugRegimensTried, atLeast: 3 }", StringComparison.Ordinal)
                .Replace("codes: [\"64999\", \"19499\"]", "codes: [\"64999\", \"19499\", \"61736\"]", StringComparison.Ordinal);
            File.WriteAllText(policy, yaml);

            var result = CliRunner.Run("policy", "diff", Path.Combine(CliRunner.RepositoryRoot, "catalogues", "with-related-resources"), candidate);

            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("Code 61736 added to statement unlisted-outside-the-brain (statement 1 of 4) of version 2022-01-01, valid from 2018-01-01.", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("Criterion medically-refractory of statement refractory-epilepsy of version 2022-01-01 (\"Documented disabling seizures, despite the use of two or more tolerated antiepileptic drug regimens (i.e., medically refractory epilepsy)\") now tests all of (disablingSeizures equals true; antiepilepticDrugRegimensTried at least 3) (was all of (disablingSeizures equals true; antiepilepticDrugRegimensTried at least 2)); its text is unchanged.", result.Stdout, StringComparison.Ordinal);
            Assert.Contains(": 2 changes", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static readonly string[] CopiedFolders = ["policies", "plans", "catalogues/with-related-resources"];

    [Theory]
    [InlineData(new[] { "--policy", "0540" }, "--from")]
    [InlineData(new[] { "--policy", "0540", "--from", "2020-01-01" }, "no version '2020-01-01'")]
    [InlineData(new[] { "--policy", "9999", "--from", "2025-04-15" }, "no policy '9999'")]
    [InlineData(new[] { "only-one" }, "two catalogue folders")]
    public void WrongCommandLine_IsAnInputError(string[] arguments, string message)
    {
        var result = CliRunner.Run(["policy", "diff", .. arguments]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogueThatDoesNotValidate_IsACatalogueError()
    {
        var broken = Directory.CreateTempSubdirectory("coverage-diff-");
        try
        {
            ImpactCommandTests.CopyFolder(ImpactFixtures.AsOf20250415, broken.FullName);
            File.WriteAllText(Path.Combine(broken.FullName, "plans", "standard.yaml"), "id: standard\nname: [unclosed\n");

            var result = CliRunner.Run("policy", "diff", CliRunner.RepositoryRoot, broken.FullName);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("standard.yaml", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            broken.Delete(recursive: true);
        }
    }
}
