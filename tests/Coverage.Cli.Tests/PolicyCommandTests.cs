namespace Coverage.Cli.Tests;

public class PolicyCommandTests
{
    [Fact]
    public void Show_Current_PrintsStatementCodesModalitiesAndHistory()
    {
        var result = CliRunner.Run("policy", "show", "0540");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Policy 0540: Ablative Treatments for Malignant Breast Tumors", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Version 2026-03-15 (current; next review 2027-03-15)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Percutaneous laser ablation", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("CPT 0971T", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2024-03-15", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-06-01", "2025-04-15", false)]
    [InlineData("2025-10-15", "2025-10-15", true)]
    [InlineData("2024-03-15", "2024-03-15", false)]
    public void Show_AsOf_PrintsTheVersionInEffect(string asOf, string version, bool listsLaser)
    {
        var result = CliRunner.Run("policy", "show", "0540", "--as-of", asOf);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Version {version}, in effect on {asOf}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(listsLaser, result.Stdout.Contains("CPT 0971T", StringComparison.Ordinal));
        Assert.Equal(listsLaser, result.Stdout.Contains("percutaneous-laser-ablation", StringComparison.Ordinal));
    }

    [Fact]
    public void Show_BeforeFirstVersion_ExitsTwo()
    {
        var result = CliRunner.Run("policy", "show", "0540", "--as-of", "2023-01-01");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no version in effect on 2023-01-01", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_BadDate_ExitsTwo()
    {
        var result = CliRunner.Run("policy", "show", "0540", "--as-of", "2025-02-30");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--as-of", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_UnknownPolicy_ExitsTwo()
    {
        var result = CliRunner.Run("policy", "show", "9999");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("9999", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RepositoryCatalogue_IsOk()
    {
        var result = CliRunner.Run("policy", "validate", CliRunner.RepositoryRoot);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("ok: 1 policy (0540 with 4 versions), 4 plans", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VersionListingUndefinedModality_IsRejectedNamingIt()
    {
        var copy = CopyCatalogue();
        try
        {
            var policyFile = Path.Combine(copy, "policies", "0540-ablative-breast", "policy.yaml");
            var text = File.ReadAllText(policyFile);
            text = text.Replace(
                "modalities: [cryoablation, microwave-ablation, radiofrequency-ablation]\n    codes: [\"19499\", \"0581T\"]\n    coverageStatement: &statement-without-laser",
                "modalities: [cryoablation, microwave-ablation, radiofrequency-ablation, hifu]\n    codes: [\"19499\", \"0581T\"]\n    coverageStatement: &statement-without-laser",
                StringComparison.Ordinal);
            File.WriteAllText(policyFile, text);

            var result = CliRunner.Run("policy", "validate", copy);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(
                "policies/0540-ablative-breast/policy.yaml: versions[0].modalities[3]: 'hifu' is not a modality this policy defines",
                result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>A copy of the repository's catalogue whose standard plan has a megabyte-long line of business.</summary>
    internal static string CatalogueWithAMegabyteValue()
    {
        var copy = CopyCatalogue();
        var plan = Path.Combine(copy, "plans", "standard.yaml");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("provisions: []", $"lineOfBusiness: {new string('X', 1_000_000)}\nprovisions: []", StringComparison.Ordinal));
        return copy;
    }

    [Fact]
    public void Validate_AMegabyteLongValue_IsPrintedBounded()
    {
        var copy = CatalogueWithAMegabyteValue();
        try
        {
            var result = CliRunner.Run("policy", "validate", copy);

            // The problem quotes the value: it was echoed whole, a megabyte to the terminal.
            Assert.Equal(1, result.ExitCode);
            var problem = Assert.Single(result.Stderr.Split('\n'), l => l.Contains("lineOfBusiness", StringComparison.Ordinal));
            Assert.StartsWith("  plans/standard.yaml: lineOfBusiness: 'XXX", problem, StringComparison.Ordinal);
            Assert.True(problem.Length < CatalogueProblems.MaxLength + 100, $"{problem.Length} characters");
            Assert.Contains("more characters)", problem, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void List_PrintsPoliciesAndPlans()
    {
        var result = CliRunner.Run("policy", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0540  Ablative Treatments for Malignant Breast Tumors", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("standard (default)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("example-mandate-over-exclusion", result.Stdout, StringComparison.Ordinal);
    }

    private static string CopyCatalogue()
    {
        var target = Directory.CreateTempSubdirectory("coverage-catalogue-").FullName;
        foreach (var folder in new[] { "policies", "plans" })
        {
            var source = Path.Combine(CliRunner.RepositoryRoot, folder);
            foreach (var file in Directory.GetFiles(source, "*.yaml", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(target, folder, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }
        }
        return target;
    }
}
