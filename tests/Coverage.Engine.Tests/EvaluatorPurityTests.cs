using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>architecture.md: the evaluator is pure — no I/O, no clock but the injected TimeProvider.</summary>
public class EvaluatorPurityTests
{
    private static readonly string[] Forbidden =
    [
        "File.", "Directory.", "HttpClient", "DateTime.Now", "DateTime.UtcNow", "DateTime.Today",
        "DateTimeOffset.Now", "DateTimeOffset.UtcNow", "Environment.", "Console.", "Guid.NewGuid", "new Random(", "Random.Shared",
    ];

    public static TheoryData<string> EvaluationSources() =>
        new(Directory.GetFiles(EvaluationFolder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(f => f!));

    private static string EvaluationFolder => Path.Combine(TestCatalogue.RepositoryRoot, "src", "Coverage.Engine", "Evaluation");

    [Fact]
    public void EvaluationFolder_HasSources()
    {
        Assert.Contains("Evaluator.cs", Directory.GetFiles(EvaluationFolder, "*.cs").Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(EvaluationSources))]
    public void EvaluationSource_UsesNoIoClockOrEnvironment(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(EvaluationFolder, file));

        var offending = lines
            .Select((text, i) => (text, number: i + 1))
            .Where(l => Forbidden.Any(f => l.text.Contains(f, StringComparison.Ordinal)))
            .Select(l => $"{file}:{l.number}: {l.text.Trim()}")
            .ToList();
        Assert.True(offending.Count == 0, "the evaluator must stay pure:" + Environment.NewLine + string.Join(Environment.NewLine, offending));
    }

    [Fact]
    public void Evaluate_EvaluatedAt_IsTheTimeProvidersTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
        var evaluator = new Evaluator(TestCatalogue.Catalogue, time);
        var request = TestCatalogue.Request(new RequestBuilder().Json());

        var first = evaluator.Evaluate(request);
        time.Advance(TimeSpan.FromMinutes(90));
        var second = evaluator.Evaluate(request);

        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), first.EvaluatedAt);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 4, 34, 5, 678, TimeSpan.Zero), second.EvaluatedAt);
        Assert.Contains("\"evaluatedAt\": \"2030-01-02T03:04:05.678Z\"", DeterminationWriter.ToJson(first), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DifferentTimes_JsonDiffersOnlyInEvaluatedAt()
    {
        var request = TestCatalogue.Request(new RequestBuilder().AddLine("19499", "RFA").AddLine("19120").Json());
        var early = new Evaluator(TestCatalogue.Catalogue, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var late = new Evaluator(TestCatalogue.Catalogue, new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero)));

        var earlyJson = DeterminationWriter.ToJson(early.Evaluate(request));
        var lateJson = DeterminationWriter.ToJson(late.Evaluate(request));

        Assert.NotEqual(earlyJson, lateJson);
        Assert.Equal(
            earlyJson.Replace("2026-01-01T00:00:00.000Z", "T", StringComparison.Ordinal),
            lateJson.Replace("2031-06-01T00:00:00.000Z", "T", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SameRequestOnTwoEvaluators_SameDetermination()
    {
        var request = TestCatalogue.Request(new RequestBuilder().Plan("example-fda-cryo-rider").AddLine("19499", "MWA").Json());
        var other = new Evaluator(CatalogueLoaderLoadAgain(), new FakeTimeProvider(TestCatalogue.FixedNow));

        Assert.Equal(
            DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(request)),
            DeterminationWriter.ToJson(other.Evaluate(request)));
    }

    [Fact]
    public void Evaluate_ConcurrentCalls_GiveSameJson()
    {
        var request = TestCatalogue.Request(new RequestBuilder().AddLine("19499", "RFA").AddLine("19499").Json());
        var expected = DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(request));

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = DeterminationWriter.ToJson(TestCatalogue.Evaluator.Evaluate(request)));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private static Catalogue.PolicyCatalogue CatalogueLoaderLoadAgain() => Catalogue.CatalogueLoader.Load(TestCatalogue.RepositoryRoot);
}
