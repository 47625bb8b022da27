using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Engine.Tests;

/// <summary>architecture.md: the engine is pure — no I/O but the catalogue's files, no clock but the injected TimeProvider.</summary>
public class EvaluatorPurityTests
{
    private static string EngineFolder => Path.Combine(TestCatalogue.RepositoryRoot, "src", "Coverage.Engine");

    /// <summary>
    /// The build enforces purity: the banned-API analyzer fails it on a clock, randomness or I/O call in the engine
    /// (src/Coverage.Engine/BannedSymbols.txt). This checks the guard itself is in place and not switched off.
    /// </summary>
    [Fact]
    public void Engine_BuildsWithTheBannedApiAnalyzerAndItsList()
    {
        var project = File.ReadAllText(Path.Combine(EngineFolder, "Coverage.Engine.csproj"));
        Assert.Contains("<PackageReference Include=\"Microsoft.CodeAnalysis.BannedApiAnalyzers\"", project, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"BannedSymbols.txt\" />", project, StringComparison.Ordinal);

        var banned = File.ReadAllLines(Path.Combine(EngineFolder, "BannedSymbols.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(';')[0]).ToHashSet(StringComparer.Ordinal);
        string[] required =
        [
            "P:System.DateTime.Now", "P:System.DateTime.UtcNow", "P:System.DateTimeOffset.UtcNow", "P:System.TimeProvider.System",
            "M:System.Guid.NewGuid", "T:System.Random", "T:System.Console", "T:System.IO.File", "T:System.IO.Directory",
            "T:System.Net.Http.HttpClient", "M:System.Environment.GetEnvironmentVariable(System.String)",
        ];
        Assert.All(required, symbol => Assert.Contains(symbol, banned));
    }

    /// <summary>Only the catalogue's one door to the disk may switch the analyzer off, and nothing may silence it project-wide.</summary>
    [Fact]
    public void Engine_SilencesTheBannedApiAnalyzerOnlyInCatalogueDisk()
    {
        var silencing = Directory.GetFiles(EngineFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("RS0030", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(EngineFolder, f).Replace('\\', '/'))
            .ToList();
        Assert.Equal(["Catalogue/CatalogueDisk.cs"], silencing);

        var project = File.ReadAllText(Path.Combine(EngineFolder, "Coverage.Engine.csproj"));
        Assert.DoesNotContain("RS0030", project, StringComparison.Ordinal);
        Assert.DoesNotContain("RS0030", File.ReadAllText(Path.Combine(TestCatalogue.RepositoryRoot, "Directory.Build.props")), StringComparison.Ordinal);
        Assert.DoesNotContain("RS0030", File.ReadAllText(Path.Combine(TestCatalogue.RepositoryRoot, ".editorconfig")), StringComparison.Ordinal);
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
