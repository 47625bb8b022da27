using Coverage.Engine.Model;

namespace Coverage.Cases.Impact;

/// <summary>
/// A line as one catalogue decided it, reduced to what an impact report compares and shows: the outcome, the reason
/// codes, the information required, the rule that decided (the trace's last step before the outcome), the policy
/// version, the criteria results and the whole trace.
/// </summary>
public sealed record ImpactSide
{
    public required string Outcome { get; init; }
    /// <summary>"CARC 50 CO", "RARC N386": system, code and group.</summary>
    public required IReadOnlyList<string> ReasonCodes { get; init; }
    /// <summary>What the provider must send (informationNeeded), then the facts asked for (factsNeeded), by name.</summary>
    public required IReadOnlyList<string> InformationNeeded { get; init; }
    /// <summary>The step of the trace that decided: code-validity, policy-version, modality, diagnosis, plan, coverage-statement, criteria…</summary>
    public required string Rule { get; init; }
    /// <summary>"0540 2025-10-15": the policy and version that addressed the line; null when none did.</summary>
    public string? Policy { get; init; }
    public string? Modality { get; init; }
    /// <summary>Each criterion of the deciding statement with its result (met, unmet, unknown).</summary>
    public required IReadOnlyDictionary<string, string> Criteria { get; init; }
    public required IReadOnlyList<string> Trace { get; init; }

    public static ImpactSide Of(LineDetermination line) => new()
    {
        Outcome = line.Outcome.ToWire(),
        ReasonCodes = [.. line.ReasonCodes.Select(r => r.Group is null ? $"{r.System} {r.Code}" : $"{r.System} {r.Code} {r.Group}")],
        InformationNeeded = [.. line.InformationNeeded, .. line.FactsNeeded.Select(f => f.Fact)],
        Rule = DecidingStep(line.Trace),
        Policy = line.Policy is { } policy ? $"{policy.Id} {policy.Version}" : null,
        Modality = line.Modality,
        Criteria = line.Criteria.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Result.ToWire(), StringComparer.Ordinal),
        Trace = line.Trace,
    };

    /// <summary>
    /// The name of the trace's last step before "outcome": the evaluator writes each step as "name: what it found",
    /// and the last one is the rule that settled the line.
    /// </summary>
    private static string DecidingStep(IReadOnlyList<string> trace)
    {
        for (var i = trace.Count - 1; i >= 0; i--)
        {
            var colon = trace[i].IndexOf(':', StringComparison.Ordinal);
            var step = colon > 0 ? trace[i][..colon] : trace[i];
            if (step != "outcome") return step;
        }
        return "none";
    }

    /// <summary>What differs from <paramref name="other"/>: outcome, reason-codes, information (in that order); empty when nothing does.</summary>
    public IReadOnlyList<string> DifferencesFrom(ImpactSide other)
    {
        var changes = new List<string>(3);
        if (Outcome != other.Outcome) changes.Add("outcome");
        if (!ReasonCodes.SequenceEqual(other.ReasonCodes, StringComparer.Ordinal)) changes.Add("reason-codes");
        if (!InformationNeeded.SequenceEqual(other.InformationNeeded, StringComparer.Ordinal)) changes.Add("information");
        return changes;
    }
}
