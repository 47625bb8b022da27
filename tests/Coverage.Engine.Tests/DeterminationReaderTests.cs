using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>
/// The determination JSON read back: every determination the repository's requests give (samples, scenarios, the
/// catalogue samples and the shared scenarios) reads into a model that writes the same bytes; anything else is an
/// error naming where.
/// </summary>
public class DeterminationReaderTests
{
    private static readonly Lazy<PolicyCatalogue> Extended = new(() =>
        CatalogueLoader.Load(Path.Combine(TestCatalogue.RepositoryRoot, "catalogues", "with-related-resources")));

    /// <summary>Every request of the repository (a file name and the catalogue it is meant for), each valid one evaluated.</summary>
    public static TheoryData<string> Requests()
    {
        var data = new TheoryData<string>();
        foreach (var file in RequestFiles()) data.Add(file);
        return data;
    }

    private static IEnumerable<string> RequestFiles()
    {
        var root = TestCatalogue.RepositoryRoot;
        return Directory.GetFiles(Path.Combine(root, "samples"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(root, "scenarios"), "*.json", SearchOption.AllDirectories))
            .Concat(Directory.GetDirectories(Path.Combine(root, "catalogues")).SelectMany(c => Directory.GetFiles(Path.Combine(c, "samples"), "*.json")))
            .Concat(Directory.GetFiles(Path.Combine(root, "..", "shared", "scenarios"), "*.json"))
            .Select(f => Path.GetRelativePath(root, f));
    }

    /// <summary>The file's request evaluated with the catalogue it is meant for; null when it is not a valid request.</summary>
    private static Determination? Evaluate(string file, DateTimeOffset now)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(TestCatalogue.RepositoryRoot, file)))!.AsObject();
        var request = node["request"] ?? node; // a scenario holds its request; a sample is one
        var catalogue = file.Contains("with-related-resources", StringComparison.Ordinal) ? Extended.Value : TestCatalogue.Catalogue;
        var read = RequestReader.Read(request.ToJsonString(), catalogue);
        return read.IsValid ? new Evaluator(catalogue, new FakeTimeProvider(now)).Evaluate(read.Request!) : null;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Read_EveryDeterminationOfTheRepository_WritesBackTheSameBytes(string file)
    {
        // An invalid request (or a FHIR sample) has no determination to read.
        if (Evaluate(file, TestCatalogue.FixedNow.AddMilliseconds(123.456)) is not { } determination) return;

        foreach (var indented in new[] { true, false })
        {
            var json = DeterminationWriter.ToJson(determination, indented);
            var back = DeterminationReader.Read(json);
            Assert.Equal(json, DeterminationWriter.ToJson(back, indented));
            Assert.Equal(json, DeterminationWriter.ToJson(DeterminationReader.Read(System.Text.Encoding.UTF8.GetBytes(json)), indented));
        }
        var summaries = DeterminationReader.ReadLineSummaries(DeterminationWriter.ToJson(determination, indented: false));
        Assert.Equal(determination.Lines.Select(l => new DeterminationLineSummary(l.Sequence, l.Outcome, l.RequiresPhysicianReview, l.Policy?.Id)), summaries);
    }

    [Fact]
    public void Read_TheRepositoryHasDeterminationsWithEveryPart()
    {
        // The round trip above is only as good as what it covers: FDA labels, criteria, facts needed, citations of both kinds.
        var lines = RequestFiles().Select(f => Evaluate(f, TestCatalogue.FixedNow)).OfType<Determination>().SelectMany(d => d.Lines).ToList();
        Assert.Contains(lines, l => l.FdaLabel is { DecisionDate: not null });
        Assert.Contains(lines, l => l.Criteria.Count > 0);
        Assert.Contains(lines, l => l.FactsNeeded.Count > 0);
        Assert.Contains(lines, l => l.Citations.Any(c => c.Reference is not null));
        Assert.Contains(lines, l => l.Citations.Any(c => c.Section is not null));
        Assert.Contains(lines, l => l.Policy is null);
    }

    [Fact]
    public void Read_GivesTheModelItWasWrittenFrom()
    {
        var determination = TestCatalogue.Evaluate(new RequestBuilder());
        var back = DeterminationReader.Read(DeterminationWriter.ToJson(determination));

        Assert.Equal(determination.Outcome, back.Outcome);
        Assert.Equal(determination.EvaluatedAt, back.EvaluatedAt);
        Assert.Equal(determination.CatalogueDigest, back.CatalogueDigest);
        var line = Assert.Single(back.Lines);
        var original = determination.Lines[0];
        Assert.Equal(original.Policy, line.Policy);
        Assert.Equal(original.ReasonCodes, line.ReasonCodes);
        Assert.Equal(original.Citations, line.Citations);
        Assert.Equal(original.Trace, line.Trace);
        Assert.Equal(original.FdaLabel!.Status, line.FdaLabel!.Status);
        Assert.Equal(original.FdaLabel.Criteria, line.FdaLabel.Criteria);
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("{", "$")]
    [InlineData("[]", "$")]
    [InlineData("null", "$")]
    public void Read_NotADeterminationObject_IsAnError(string json, string path)
    {
        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.Read(json));
        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("outcome", null, "outcome", "required, but missing")]
    [InlineData("lines", null, "lines", "required, but missing")]
    [InlineData("catalogueDigest", null, "catalogueDigest", "required, but missing")]
    [InlineData("outcome", "\"approved\"", "outcome", "'approved' is not one of")]
    [InlineData("requiresPhysicianReview", "\"yes\"", "requiresPhysicianReview", "must be true or false, not a string")]
    [InlineData("evaluatedAt", "\"2026-11-25\"", "evaluatedAt", "is not a UTC timestamp")]
    [InlineData("engineVersion", "null", "engineVersion", "must be a string, not null")]
    [InlineData("lines", "{}", "lines", "must be a list, not an object")]
    [InlineData("verdict", "\"covered\"", "verdict", "not a field of the determination here")]
    public void Read_ABadClaimLevelField_IsAnErrorNamingIt(string field, string? value, string path, string problem)
    {
        var root = JsonNode.Parse(DeterminationWriter.ToJson(TestCatalogue.Evaluate(new RequestBuilder())))!.AsObject();
        if (value is null) root.Remove(field);
        else root[field] = JsonNode.Parse(value);

        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.Read(root.ToJsonString()));
        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sequence", null, "lines[0].sequence", "required, but missing")]
    [InlineData("sequence", "1.5", "lines[0].sequence", "is not a whole number")]
    [InlineData("trace", null, "lines[0].trace", "required, but missing")]
    [InlineData("rationale", null, "lines[0].rationale", "required, but missing")]
    [InlineData("dateOfService", "\"2026-02-30\"", "lines[0].dateOfService", "is not a date")]
    [InlineData("outcome", "\"denied\"", "lines[0].outcome", "'denied' is not one of")]
    [InlineData("governedBy", "\"payer\"", "lines[0].governedBy", "'payer' is not one of")]
    [InlineData("policy", "{\"id\":\"0540\",\"version\":\"1\"}", "lines[0].policy.title", "required, but missing")]
    [InlineData("reasonCodes", "[{\"system\":\"CARC\"}]", "lines[0].reasonCodes[0].code", "required, but missing")]
    [InlineData("citations", "[{\"section\":\"Position\"}]", "lines[0].citations[0].text", "required, but missing")]
    [InlineData("fdaLabel", "{\"status\":\"maybe\"}", "lines[0].fdaLabel.status", "'maybe' is not one of")]
    [InlineData("criteria", "[{\"id\":\"a\",\"text\":\"t\",\"section\":\"s\",\"result\":\"unmet\",\"facts\":[]}]", "lines[0].criteria[0].result", "'unmet' is not one of")]
    [InlineData("score", "1", "lines[0].score", "not a field of the determination here")]
    public void Read_ABadLineField_IsAnErrorNamingIt(string field, string? value, string path, string problem)
    {
        var root = JsonNode.Parse(DeterminationWriter.ToJson(TestCatalogue.Evaluate(new RequestBuilder())))!.AsObject();
        var line = root["lines"]![0]!.AsObject();
        if (value is null) line.Remove(field);
        else line[field] = JsonNode.Parse(value);

        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.Read(root.ToJsonString()));
        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AFieldGivenTwice_IsAnError()
    {
        var json = DeterminationWriter.ToJson(TestCatalogue.Evaluate(new RequestBuilder()), indented: false);
        var twice = json.Replace("\"outcome\":\"not-covered\"", "\"outcome\":\"not-covered\",\"outcome\":\"covered\"", StringComparison.Ordinal);

        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.Read(twice));
        Assert.Equal("outcome", error.Path);
        Assert.Equal("given twice", error.Problem);
    }

    [Fact]
    public void ReadLineSummaries_AMissingOutcome_IsAnError()
    {
        var root = JsonNode.Parse(DeterminationWriter.ToJson(TestCatalogue.Evaluate(new RequestBuilder())))!.AsObject();
        root["lines"]![0]!.AsObject().Remove("outcome");

        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.ReadLineSummaries(root.ToJsonString()));
        Assert.Equal("lines[0].outcome", error.Path);
    }

    [Fact]
    public void Read_TheCompactForm_IsNotTheFullForm()
    {
        // The compact form leaves out what a full determination must have; reading it as one says what is missing.
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) DeterminationWriter.WriteCompact(writer, TestCatalogue.Evaluate(new RequestBuilder()));

        var error = Assert.Throws<DeterminationReadException>(() => DeterminationReader.Read(stream.ToArray()));
        Assert.Equal("lines[0].policy.title", error.Path);
    }
}
