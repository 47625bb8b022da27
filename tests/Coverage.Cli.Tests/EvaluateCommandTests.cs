using System.Text.Json;

namespace Coverage.Cli.Tests;

public class EvaluateCommandTests
{
    [Fact]
    public void Evaluate_SampleFile_PrintsDeterminationJsonAndExitsZero()
    {
        var result = CliRunner.Run("evaluate", CliRunner.Sample("cryoablation-prior-auth.json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("REQ-1001", json.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("not-covered", json.RootElement.GetProperty("outcome").GetString());
        var line = json.RootElement.GetProperty("lines")[0];
        Assert.Equal("not-medically-necessary", line.GetProperty("outcome").GetString());
        Assert.Equal("on-label", line.GetProperty("fdaLabel").GetProperty("status").GetString());
    }

    [Fact]
    public void Evaluate_StandardInput_ReadsTheRequestFromDash()
    {
        var request = File.ReadAllText(CliRunner.Sample("unlisted-microwave-claim.json"));

        var result = CliRunner.RunWithInput(request, "evaluate", "-");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var lines = json.RootElement.GetProperty("lines");
        Assert.Equal("microwave-ablation", lines[0].GetProperty("modality").GetString());
        Assert.Equal("not-addressed", lines[1].GetProperty("outcome").GetString());
    }

    [Fact]
    public void Evaluate_TextFormat_PrintsReadableSummary()
    {
        var result = CliRunner.Run("evaluate", CliRunner.Sample("cryoablation-rider-on-label.json"), "--format", "text");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Request REQ-1002: covered", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Governed by:  plan", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("FDA label:    on-label (ProSense Cryoablation System, DEN220077)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MalformedDate_PrintsOneMessageNamingTheFieldAndExitsTwo()
    {
        var result = CliRunner.Run("evaluate", CliRunner.Sample("invalid-date.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var message = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("dateOfService", message, StringComparison.Ordinal);
        Assert.Contains("2026-13-40", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NotJson_ExitsTwoWithMessage()
    {
        var result = CliRunner.RunWithInput("{ \"requestId\": ", "evaluate", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("coverage: invalid request: the request is not valid JSON (", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownPlan_ExitsTwoNamingPlanId()
    {
        const string request = """{"dateOfService":"2026-05-04","member":{"planId":"gold"},"serviceLines":[{"code":"0581T"}]}""";

        var result = CliRunner.RunWithInput(request, "evaluate", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("member.planId", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("gold", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MissingFile_ExitsTwo()
    {
        var result = CliRunner.Run("evaluate", "/no/such/request.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("coverage: the request '/no/such/request.json' does not exist\n", result.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Evaluate_UnknownFormat_IsAUsageErrorExitingTwo()
    {
        var result = CliRunner.Run("evaluate", CliRunner.Sample("cryoablation-prior-auth.json"), "--format", "xml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("xml", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BrokenCatalogue_ExitsThreeNamingTheFile()
    {
        var broken = Directory.CreateTempSubdirectory("coverage-cli-");
        try
        {
            Directory.CreateDirectory(Path.Combine(broken.FullName, "policies"));
            Directory.CreateDirectory(Path.Combine(broken.FullName, "plans"));

            var result = CliRunner.Run("evaluate", CliRunner.Sample("cryoablation-prior-auth.json"), "--catalogue", broken.FullName);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("clinical-facts.yaml", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            broken.Delete(recursive: true);
        }
    }

    [Fact]
    public void Evaluate_NoArguments_IsAUsageError()
    {
        var result = CliRunner.Run("evaluate");

        Assert.Equal(2, result.ExitCode);
        Assert.NotEqual("", result.Stderr);
    }

    [Fact]
    public void TheReadmesCriteriaExample_ShowsEachCriterionAndTheFactsNeeded()
    {
        // README, "The command line": the shipped catalogue with the criteria-based policies and its sample.
        var catalogue = Path.Combine(CliRunner.RepositoryRoot, "catalogues", "with-related-resources");
        var result = CliRunner.Run("--catalogue", catalogue, "evaluate", Path.Combine(catalogue, "samples", "hifu-needs-information.json"));

        Assert.Equal(0, result.ExitCode);
        using var determination = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var line = determination.RootElement.GetProperty("lines")[0];
        Assert.Equal("information-required", line.GetProperty("outcome").GetString());
        Assert.Equal("CG-MED-81", line.GetProperty("policy").GetProperty("id").GetString());
        var results = line.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("result").GetString()).ToList();
        Assert.Equal(["met", "met", "unknown", "met", "met"], results);
        Assert.NotEqual(0, line.GetProperty("factsNeeded").GetArrayLength());
    }
}
