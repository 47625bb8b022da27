using System.Security.Cryptography;
using System.Text;
using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks.Tests;

/// <summary>
/// Correctness of the benchmark's inputs, never its timings: the mix holds what the benchmark claims, the
/// RulesEngine peer decides as the evaluator does, and the evaluator's determinations of the whole mix are
/// byte for byte those recorded in determinations.sha256 (so that an optimisation cannot change behaviour).
/// </summary>
public class MixTests
{
    private static readonly Lazy<(Evaluator Evaluator, IReadOnlyList<(string Json, CoverageRequest Request)> Mix)> Loaded = new(() =>
    {
        var catalogue = Repository.LoadCatalogue();
        return (new Evaluator(catalogue, new FixedTimeProvider()), RequestMix.Build(catalogue));
    });

    private static Evaluator Evaluator => Loaded.Value.Evaluator;
    private static IEnumerable<CoverageRequest> Requests => Loaded.Value.Mix.Select(m => m.Request);

    [Fact]
    public void Mix_SameSeed_SameRequests()
    {
        var again = RequestMix.Build(Evaluator.Catalogue);

        Assert.Equal(Loaded.Value.Mix.Select(m => m.Json), again.Select(m => m.Json));
        Assert.Equal(RequestMix.DefaultLines, again.Sum(m => m.Request.ServiceLines.Count));
    }

    [Fact]
    public void Mix_HoldsEveryOutcomePlanAndLabelStatus()
    {
        var composition = Equivalence.Composition(Evaluator, Requests);

        // Every outcome policy 0540 can give: it has no statement that finds a service investigational or not covered.
        foreach (var outcome in Enum.GetValues<LineOutcome>().Except([LineOutcome.ExperimentalInvestigationalUnproven, LineOutcome.NotCovered]))
            Assert.True(composition.GetValueOrDefault("outcome " + outcome.ToWire()) > 0, outcome.ToWire());
        foreach (var status in Enum.GetValues<FdaLabelStatus>()) Assert.True(composition.GetValueOrDefault("fda-label " + status.ToWire()) > 0, status.ToWire());
        foreach (var plan in Evaluator.Catalogue.Plans) Assert.True(composition.GetValueOrDefault("plan " + plan.Id) > 0, plan.Id);
        Assert.True(composition.GetValueOrDefault("unlisted 19499") > 0);
    }

    [Fact]
    public void Peer_EveryLineOfTheMix_DecidesAsTheEvaluator()
    {
        var differences = Equivalence.Differences(Evaluator, new RulesEnginePeer(RulesEnginePeer.DefaultWorkflowsPath), Requests);

        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
    }

    /// <summary>
    /// The determination JSON of every request of the mix, as SHA-256 per request. When a change of the
    /// catalogue or of the engine's wording is meant to change determinations, record them again with
    /// COVERAGE_RECORD_DETERMINATIONS=1 (and say why in the commit).
    /// </summary>
    [Fact]
    public void Determinations_WholeMix_AreTheRecordedOnes()
    {
        var actual = Requests.Select(r => $"{r.RequestId} {Digest(r)}").ToList();
        var recorded = Path.Combine(Repository.Root, "bench", "Coverage.Benchmarks.Tests", "determinations.sha256");
        if (Environment.GetEnvironmentVariable("COVERAGE_RECORD_DETERMINATIONS") == "1")
            File.WriteAllText(recorded, string.Join("\n", actual) + "\n");

        var expected = File.ReadAllLines(recorded);
        var differing = actual.Zip(expected).Where(p => p.First != p.Second).Select(p => p.First.Split(' ')[0]).ToList();
        Assert.Equal(expected.Length, actual.Count);
        Assert.True(differing.Count == 0,
            $"{differing.Count} determination(s) differ from the recorded ones, first {string.Join(", ", differing.Take(5))}; " +
            "`dotnet run -c Release --project bench/Coverage.Benchmarks -- dump DIR` writes them for a diff");
    }

    private static string Digest(CoverageRequest request)
    {
        // engineVersion carries the build's source revision; everything else is the contract's bytes.
        var determination = Evaluator.Evaluate(request) with { EngineVersion = "bench" };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DeterminationWriter.ToJson(determination))));
    }
}
