using System.Text.Json.Nodes;
using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks.Tests;

/// <summary>
/// The criteria mix (catalogues/with-related-resources: 0540, CG-MED-81, MP-728) holds what the benchmark
/// claims, and the RulesEngine peer decides it as the evaluator does; the peer also decides the catalogue's
/// acceptance scenarios as they expect, so that it is checked against something it was not written beside.
/// </summary>
public class CriteriaMixTests
{
    private static readonly Lazy<(Evaluator Evaluator, Mix Mix, IReadOnlyList<(CoverageRequest Request, Determination Determination)> Decided)> Loaded = new(() =>
    {
        var mix = Mix.Criteria();
        var evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
        return (evaluator, mix, [.. mix.Requests.Select(r => (r, evaluator.Evaluate(r)))]);
    });

    private static IEnumerable<LineDetermination> Lines => Loaded.Value.Decided.SelectMany(d => d.Determination.Lines);

    private static readonly string[] CriteriaPolicies = ["CG-MED-81", "MP-728"];

    [Fact]
    public void Mix_SameSeed_SameRequests()
    {
        var again = CriteriaMix.Build(Loaded.Value.Mix.Catalogue);

        Assert.Equal(Loaded.Value.Mix.Entries.Select(m => m.Json), again.Select(m => m.Json));
        Assert.Equal(CriteriaMix.DefaultLines, again.Sum(m => m.Request.ServiceLines.Count));
    }

    [Fact]
    public void Mix_HoldsEveryOutcomeTheCatalogueCanGive_FromEachPolicy()
    {
        var composition = Equivalence.Composition(Loaded.Value.Evaluator, Loaded.Value.Mix.Requests);

        // No statement of these policies finds a service not covered (CO-96): every other outcome occurs.
        foreach (var outcome in Enum.GetValues<LineOutcome>().Except([LineOutcome.NotCovered]))
            Assert.True(composition.GetValueOrDefault("outcome " + outcome.ToWire()) > 0, outcome.ToWire());
        foreach (var outcome in new[] { "covered", "not-medically-necessary", "information-required" })
            Assert.True(composition.GetValueOrDefault("policy CG-MED-81 " + outcome) > 0, "CG-MED-81 " + outcome);
        foreach (var outcome in new[] { "covered", "experimental-investigational-unproven", "information-required" })
            Assert.True(composition.GetValueOrDefault("policy MP-728 " + outcome) > 0, "MP-728 " + outcome);
        foreach (var outcome in new[] { "covered", "not-medically-necessary", "excluded-by-plan", "information-required", "invalid-coding" })
            Assert.True(composition.GetValueOrDefault("policy 0540 " + outcome) > 0, "0540 " + outcome);
        foreach (var plan in Loaded.Value.Mix.Catalogue.Plans) Assert.True(composition.GetValueOrDefault("plan " + plan.Id) > 0, plan.Id);
    }

    [Fact]
    public void Mix_EveryCriterionOfEveryStatement_IsMetNotMetAndUnknown()
    {
        var seen = Lines.SelectMany(l => l.Criteria.Select(c => (c.Id, c.Result))).ToHashSet();
        // A statement that lets the next one decide when its criteria are not met (MP-728's radiation necrosis)
        // reports them only in its trace step: "criteria: statement …: not met; not met: a, b; the next statement decides".
        foreach (var step in Lines.SelectMany(l => l.Trace).Where(t => t.StartsWith("criteria: ", StringComparison.Ordinal)))
            foreach (var part in step.Split("; "))
                if (part.StartsWith("not met: ", StringComparison.Ordinal))
                    foreach (var id in part["not met: ".Length..].Split(", ")) seen.Add((id, CriterionResult.Unmet));
        var criteria = Loaded.Value.Mix.Catalogue.Policies
            .Where(p => CriteriaPolicies.Contains(p.Id))
            .SelectMany(p => p.Versions).SelectMany(v => v.Rules)
            .Where(r => r.Criteria is not null).SelectMany(r => r.Criteria!.Criteria).Select(c => c.Id).Distinct().ToList();

        Assert.Equal(12, criteria.Count); // CG-MED-81's five; MP-728's four for epilepsy and three for radiation necrosis
        foreach (var id in criteria)
            foreach (var result in Enum.GetValues<CriterionResult>())
                Assert.True(seen.Contains((id, result)), $"{id} {result}");
    }

    [Fact]
    public void Mix_AsksForFacts_AndTheDiagnosisAndDescription_UnderEachCriteriaPolicy()
    {
        var information = Lines.Where(l => l.Outcome == LineOutcome.InformationRequired && l.Policy is not null).ToList();

        foreach (var policy in CriteriaPolicies)
        {
            // Criteria that facts could still decide: factsNeeded names them.
            Assert.Contains(information, l => l.Policy!.Id == policy && l.FactsNeeded.Count > 0);
            // Which statement applies cannot be told without a diagnosis.
            Assert.Contains(information, l => l.Policy!.Id == policy && l.FactsNeeded.Count == 0 && l.InformationNeeded.Any(i => i.StartsWith("The diagnosis", StringComparison.Ordinal)));
            // An unlisted code without a description.
            Assert.Contains(information, l => l.Policy!.Id == policy && l.FactsNeeded.Count == 0 && l.Modality is null && l.Code != "19499");
        }
    }

    [Fact]
    public void Mix_DecidesLittUnderBothVersions_AndUnlisted19499UnderEachPolicy()
    {
        var decided = Lines.Where(l => Equivalence.DecidedBy(l) is not null).ToList();

        // Either side of 2022-01-01, and days from it.
        Assert.Contains(decided, l => l.Policy!.Id == "MP-728" && l.Policy.Version == "2018-01-01" && l.DateOfService >= new DateOnly(2021, 12, 15));
        Assert.Contains(decided, l => l.Policy!.Id == "MP-728" && l.Policy.Version == "2022-01-01" && l.DateOfService <= new DateOnly(2022, 1, 15));
        foreach (var policy in new[] { "0540", "CG-MED-81", "MP-728" })
            Assert.Contains(decided, l => l.Code == "19499" && l.Policy!.Id == policy);
        // HIFU of a breast tumor: 0540 leaves it to its related resource, which CG-MED-81 stands for.
        Assert.Contains(decided, l => l.Code == "19499" && l.Policy!.Id == "CG-MED-81" && l.Modality == "hifu" && l.Outcome == LineOutcome.NotMedicallyNecessary);
    }

    [Fact]
    public void Peer_EveryLineOfTheCriteriaMix_DecidesAsTheEvaluator()
    {
        var differences = Equivalence.Differences(Loaded.Value.Evaluator, Loaded.Value.Mix.Peer(), Loaded.Value.Mix.Requests);

        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
    }

    [Fact]
    public void Peer_AcceptanceScenariosOfTheCatalogue_DecidesAsTheyExpect()
    {
        var peer = RulesEnginePeer.ForCriteriaCatalogue();
        var folder = Path.Combine(Repository.Root, "scenarios", "with-related-resources");
        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        var wrong = new List<string>();
        foreach (var file in files)
        {
            var scenario = JsonNode.Parse(File.ReadAllText(file))!;
            var read = RequestReader.Read(scenario["request"]!.ToJsonString(), Loaded.Value.Mix.Catalogue);
            Assert.True(read.IsValid, file);
            var decided = peer.Evaluate(read.Request!);
            foreach (var (expected, actual) in scenario["expect"]!["lines"]!.AsArray().Zip(decided))
            {
                var outcome = (string)expected!["outcome"]!;
                var policy = (string?)expected["policy"]?["id"];
                if (outcome != actual.Outcome.ToWire() || (policy is not null && actual.Policy is not null && policy != actual.Policy))
                    wrong.Add($"{Path.GetFileName(file)}: expected {outcome} by {policy}, peer {actual.Outcome.ToWire()} by {actual.Policy}");
            }
        }

        Assert.True(files.Count >= 36, $"{files.Count} scenarios");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
