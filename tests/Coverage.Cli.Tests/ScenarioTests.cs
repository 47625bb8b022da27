using System.Text.Json;

namespace Coverage.Cli.Tests;

/// <summary>
/// The project's own acceptance scenarios, in the shared scenarios' format: scenarios/NAME/*.json run through
/// `coverage --catalogue catalogues/NAME evaluate`, and the determination must contain what each expects
/// (the matching rules of ../shared/bin/check-scenarios: a subset, lines by sequence, reason codes as a set).
/// </summary>
public class ScenarioTests
{
    private static List<string> Files() =>
        [.. Directory.GetFiles(Path.Combine(CliRunner.RepositoryRoot, "scenarios"), "*.json", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Path.Combine(CliRunner.RepositoryRoot, "scenarios"), file)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Scenarios() => [.. Files()];

    [Fact]
    public void Scenarios_EachCriteriaPolicy_HasAtLeastFifteen()
    {
        var names = Files().Select(Path.GetFileName).ToList();

        Assert.True(names.Count(n => n!.StartsWith("hifu-", StringComparison.Ordinal)) >= 15);
        Assert.True(names.Count(n => n!.StartsWith("litt-", StringComparison.Ordinal)) >= 15);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_Determination_HasWhatItExpects(string scenario)
    {
        var catalogue = Path.Combine(CliRunner.RepositoryRoot, "catalogues", Path.GetDirectoryName(scenario)!);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot, "scenarios", scenario)));
        var request = Path.GetTempFileName();
        try
        {
            File.WriteAllText(request, document.RootElement.GetProperty("request").GetRawText());

            var result = CliRunner.Run("--catalogue", catalogue, "evaluate", request);

            Assert.True(result.ExitCode == 0, result.Stderr);
            using var determination = JsonDocument.Parse(result.Stdout);
            var errors = new List<string>();
            Match(document.RootElement.GetProperty("expect"), determination.RootElement, "determination", errors);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
        finally
        {
            File.Delete(request);
        }
    }

    private static void Match(JsonElement expected, JsonElement actual, string path, List<string> errors)
    {
        if (expected.ValueKind != JsonValueKind.Object)
        {
            if (expected.GetRawText() != actual.GetRawText() && !JsonElement.DeepEquals(expected, actual))
                errors.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
            return;
        }
        if (actual.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object");
            return;
        }
        foreach (var property in expected.EnumerateObject())
        {
            if (!actual.TryGetProperty(property.Name, out var value))
            {
                errors.Add($"{path}.{property.Name}: missing");
                continue;
            }
            switch (property.Name)
            {
                case "lines":
                    foreach (var line in property.Value.EnumerateArray())
                    {
                        var sequence = line.GetProperty("sequence").GetInt32();
                        var found = value.EnumerateArray().Where(l => l.GetProperty("sequence").GetInt32() == sequence).ToList();
                        if (found.Count == 0) errors.Add($"{path}.lines[{sequence}]: missing");
                        else Match(line, found[0], $"{path}.lines[{sequence}]", errors);
                    }
                    break;
                case "reasonCodes":
                    static string Key(JsonElement r) => $"{r.GetProperty("system").GetString()} {r.GetProperty("code").GetString()} {(r.TryGetProperty("group", out var g) ? g.GetString() : "")}";
                    var want = property.Value.EnumerateArray().Select(Key).Order(StringComparer.Ordinal);
                    var got = value.EnumerateArray().Select(Key).Order(StringComparer.Ordinal);
                    if (!want.SequenceEqual(got)) errors.Add($"{path}.reasonCodes: expected [{string.Join("; ", want)}], got [{string.Join("; ", got)}]");
                    break;
                default:
                    Match(property.Value, value, $"{path}.{property.Name}", errors);
                    break;
            }
        }
    }
}

/// <summary>`coverage policy show` reads a criteria policy's statements as a reviewer would.</summary>
public class RulePolicyShowTests
{
    [Fact]
    public void PolicyShow_CriteriaPolicy_ListsStatementsCriteriaAndOtherwise()
    {
        var result = CliRunner.Run("--catalogue", Path.Combine(CliRunner.RepositoryRoot, "catalogues", "with-related-resources"), "policy", "show", "CG-MED-81");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2. hifu-bone-metastasis-pain (Clinical Indications: Medically Necessary)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[ ] Age 18 years or older  (age-18-or-older; reads ageYears)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Otherwise: not-medically-necessary", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Indication bone-metastases: metastatic bone disease (C79.51, C79.52)", result.Stdout, StringComparison.Ordinal);
    }
}
